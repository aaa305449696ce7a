"""The annotation window itself: the main window, its controller and start-up, keys, dialogs for import and export."""

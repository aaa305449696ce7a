"""The model in the loop from the window: train, rules, next uncertain."""

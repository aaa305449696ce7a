"""spaCy: pipeline loading and pre-annotation (pipeline), shards and Dask (cluster), speaker suggestions."""

"""One module per endpoint spec: its request rules (``ENDPOINT``) and its response models."""

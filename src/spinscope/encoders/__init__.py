"""encoders: torch-free access to packaged pretrained encoder weights."""

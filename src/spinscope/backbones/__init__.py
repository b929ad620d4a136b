"""backbones: torch-free access to the packaged pretrained encoders (specs, weights, tokenizers)."""

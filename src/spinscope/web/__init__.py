"""The web app (`spinscope serve`): pages and a JSON API over the public API and the JSON schema."""

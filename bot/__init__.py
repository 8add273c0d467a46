"""Framework layer: platform adapters, the router, neutral request/reply types, settings, scheduler, CLI."""

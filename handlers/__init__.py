"""What each chat command means. Handlers take a neutral request and return a neutral reply; no platform imports."""

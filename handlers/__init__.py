"""What each chat command means, one folder per domain, and the neutral types adapters and handlers share
(`chat/`). A handler takes a neutral request and returns a neutral reply; it never imports a platform library."""

"""The console adapter: a chat on standard input and output, no tokens needed."""

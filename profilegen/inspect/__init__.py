"""Reading existing profiles: safe parsing (XML, binary, signed), lint, settings, diff and import.

Nothing here is imported on the start-up path: lxml and asn1crypto load only when a command needs them.
"""

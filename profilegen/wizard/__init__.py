"""The interactive wizard: questions generated from the catalogue, asked in a terminal, answered into a preset.

`questions` and `flow` know nothing of terminals (they are tested without one); `prompt` is the only
module that imports questionary.
"""

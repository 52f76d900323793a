"""profilegen: Mac admins' decisions in, configuration profiles and defaults scripts out."""

__version__ = "0.1.0"

"""ProfileManifests import: converts the community catalogue's manifests into domain schemas."""

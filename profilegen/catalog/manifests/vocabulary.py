"""The ProfileManifests vocabulary: which ``pfm_*`` keys exist and what each plist type becomes.

Source: the ProfileManifests wiki ("Manifest Format"), ProfilePayloads' list of manifest keys, and the
manifests themselves. A key not listed here is counted as unknown by the importer, never fatal.
"""

from __future__ import annotations

from typing import Final

# pfm_type -> (JSON Schema type, our x-plist-type). "url" is a deprecated spelling of a string; "alias" is a
# classic Mac OS alias record, stored as <data>.
PLIST_TYPES: Final[dict[str, tuple[str, str]]] = {
    "boolean": ("boolean", "bool"),
    "bool": ("boolean", "bool"),
    "integer": ("integer", "integer"),
    "float": ("number", "real"),
    "real": ("number", "real"),
    "string": ("string", "string"),
    "url": ("string", "string"),
    "date": ("string", "date"),
    "data": ("string", "data"),
    "alias": ("string", "data"),
    "array": ("array", "array"),
    "dictionary": ("object", "dict"),
    "dict": ("object", "dict"),
}

# Keys the converter turns into schema keywords or annotations.
CONVERTED: Final[frozenset[str]] = frozenset(
    {
        "pfm_name",
        "pfm_type",
        "pfm_title",
        "pfm_description",
        "pfm_description_reference",
        "pfm_description_extended",
        "pfm_default",
        "pfm_range_list",
        "pfm_range_list_titles",
        "pfm_range_list_allow_custom_value",
        "pfm_range_min",
        "pfm_range_max",
        "pfm_format",
        "pfm_subkeys",
        "pfm_require",
        "pfm_required",
        "pfm_repetition_min",
        "pfm_repetition_max",
        "pfm_value_unique",
        "pfm_app_min",
        "pfm_app_max",
        "pfm_app_deprecated",
        "pfm_macos_min",
        "pfm_macos_max",
        "pfm_macos_deprecated",
        "pfm_documentation_url",
        "pfm_exclude",
        "pfm_conditionals",
        "pfm_excluded",
        "pfm_note",
        "pfm_value_unit",
        "pfm_value_inverted",
        "pfm_sensitive",
        "pfm_supervised",
        "pfm_user_approved",
        "pfm_platforms",
        "pfm_n_platforms",
        "pfm_targets",
        "pfm_segments",
        # top level
        "pfm_domain",
        "pfm_version",
    }
)

# Keys that describe ProfileCreator's user interface, other platforms or bookkeeping: known, not needed.
IGNORED: Final[frozenset[str]] = frozenset(
    {
        "pfm_allowed_file_types",
        "pfm_app_url",
        "pfm_date_allow_past",
        "pfm_date_style",
        "pfm_default_copy",
        "pfm_distribution",
        "pfm_documentation_source",
        "pfm_enabled",
        "pfm_format_version",
        "pfm_hidden",
        "pfm_icon",
        "pfm_interaction",
        "pfm_ios_deprecated",
        "pfm_ios_max",
        "pfm_ios_min",
        "pfm_last_modified",
        "pfm_subdomain",
        "pfm_substitution_source",
        "pfm_substitution_variables",
        "pfm_tvos_deprecated",
        "pfm_tvos_max",
        "pfm_tvos_min",
        "pfm_type_input",
        "pfm_unique",
        "pfm_upk_input_keys",
        "pfm_upk_output_name",
        "pfm_upk_output_type",
        "pfm_remove_duplicates",
        "pfm_value_copy",
        "pfm_value_decimal_places",
        "pfm_value_import_processor",
        "pfm_value_info_processor",
        "pfm_value_placeholder",
        "pfm_value_processor",
        "pfm_view",
    }
)

# Keys that only appear inside pfm_exclude / pfm_conditionals.
CONDITION_KEYS: Final[frozenset[str]] = frozenset(
    {
        "pfm_target_conditions",
        "pfm_target",
        "pfm_present",
        "pfm_range_list",
        "pfm_n_range_list",
        "pfm_contains_any",
        "pfm_n_contains_any",
        "pfm_value_empty",
        "pfm_require",
        "pfm_platforms",
        "pfm_n_platforms",
    }
)

# Extension keys (``pfmx_*``, from Apple's device-management data) are documented metadata, not counted.
EXTENSION_PREFIX: Final = "pfmx_"


def is_unknown(key: str, *, in_condition: bool = False) -> bool:
    """True for a manifest key the importer does not know (counted in the summary)."""
    if key.startswith(EXTENSION_PREFIX):
        return False
    if in_condition:
        return key not in CONDITION_KEYS
    return key not in CONVERTED and key not in IGNORED

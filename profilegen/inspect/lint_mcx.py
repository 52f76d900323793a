"""The rules on preference payloads: the mcx shape {domain: {Forced|Set-Once: [{mcx_preference_settings}]}},
and the mcx and custom styles not mixed in one payload."""

from __future__ import annotations

from profilegen.inspect.lint_context import Context
from profilegen.inspect.model import PAYLOAD_KEYS, Payload
from profilegen.inspect.nodes import Node
from profilegen.limits import MCX_MODES, MCX_TYPE


def mcx(context: Context) -> None:
    for payload in context.profile.payloads:
        if payload.style == "mcx":
            _mcx_payload(context, payload)
        elif payload.style == "custom":
            _custom_payload(context, payload)


def _mcx_payload(context: Context, payload: Payload) -> None:
    label = f"payload {payload.index + 1} ({MCX_TYPE})"
    fix = "write PayloadContent as {domain: {Forced: [{mcx_preference_settings: {key: value}}]}}"
    for entry in payload.node.entries:
        if entry.key not in PAYLOAD_KEYS and entry.key != "PayloadContent":
            context.add(
                "mixed-style",
                entry.line,
                f"{label} has {entry.key!r} at its top level, custom-style, beside its mcx PayloadContent",
                "move the key into mcx_preference_settings, or make a custom-style payload of its own",
            )
    content = payload.node.get("PayloadContent")
    if content is None:
        context.add("mcx-shape", payload.line, f"{label} has no PayloadContent", fix)
        return
    if content.kind != "dict":
        context.add(
            "mcx-shape", content.line, f"{label}: PayloadContent is a <{content.kind}>, not a <dict>", fix
        )
        return
    if not content.entries:
        context.add("mcx-shape", content.line, f"{label}: PayloadContent names no domain", fix)
    for position, domain in enumerate(content.entries):
        if position == 1:
            context.add(
                "mcx-one-domain",
                domain.line,
                f"{label} holds {len(content.entries)} domains "
                f"({', '.join(e.key for e in content.entries)}); macOS was seen to apply only one",
                "put each domain in a payload of its own (`profilegen import` then `build` does)",
            )
        _mcx_domain(context, label, domain.key, domain.node, fix)


def _mcx_domain(context: Context, label: str, domain: str, node: Node, fix: str) -> None:
    if node.kind != "dict":
        context.add("mcx-shape", node.line, f"{label}: {domain} is a <{node.kind}>, not a <dict>", fix)
        return
    if not node.entries:
        context.add("mcx-shape", node.line, f"{label}: {domain} has neither Forced nor Set-Once", fix)
    for mode in node.entries:
        if mode.key not in MCX_MODES:
            context.add(
                "mcx-shape",
                mode.line,
                f"{label}: {domain} has {mode.key!r}; only 'Forced' and 'Set-Once' are allowed",
                "use Forced (always applied) or Set-Once (applied once)",
            )
            continue
        if mode.node.kind != "array":
            context.add(
                "mcx-shape",
                mode.node.line,
                f"{label}: {domain} {mode.key} is a <{mode.node.kind}>, not an <array>",
                fix,
            )
            continue
        for item in mode.node.items:
            _mcx_item(context, f"{label}: {domain} {mode.key}", mode.key, item, fix)


def _mcx_item(context: Context, where: str, mode: str, item: Node, fix: str) -> None:
    """One item of a Forced / Set-Once array; ``where`` is "payload N (type): domain mode"."""
    if item.kind != "dict":
        context.add("mcx-shape", item.line, f"{where} holds a <{item.kind}>, not a <dict>", fix)
        return
    settings = item.get("mcx_preference_settings")
    if settings is None:
        context.add("mcx-shape", item.line, f"{where} item has no mcx_preference_settings", fix)
    elif settings.kind != "dict":
        context.add(
            "mcx-shape",
            settings.line,
            f"{where}: mcx_preference_settings is a <{settings.kind}>, not a <dict>",
            fix,
        )
    allowed = {"mcx_preference_settings"}
    if mode == "Set-Once":
        allowed.add("mcx_data_timestamp")
    for entry in item.entries:
        if entry.key not in allowed:
            context.add(
                "mcx-shape",
                entry.line,
                f"{where} item has {entry.key!r} beside mcx_preference_settings",
                "move the key into mcx_preference_settings"
                + ("" if mode == "Set-Once" else " (mcx_data_timestamp belongs to Set-Once only)"),
            )


def _custom_payload(context: Context, payload: Payload) -> None:
    label = f"payload {payload.index + 1} ({payload.payload_type})"
    for entry in payload.node.entries:
        mcx_like = entry.key in ("mcx_preference_settings", *MCX_MODES) or (
            entry.key == "PayloadContent"
            and entry.node.kind == "dict"
            and any(
                e.node.kind == "dict" and any(m.key in MCX_MODES for m in e.node.entries)
                for e in entry.node.entries
            )
        )
        if mcx_like:
            context.add(
                "mixed-style",
                entry.line,
                f"{label} is custom-style (PayloadType is the domain) but holds mcx-style {entry.key!r}",
                f"either set PayloadType to {MCX_TYPE}, or put the keys at the payload's top level",
            )

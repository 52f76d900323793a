"""Shell completion: the values each argument completes to, and `profilegen completion SHELL`.

Typer's own ``--install-completion`` is off (it loads its completion code on every run). The script
`profilegen completion bash|zsh|fish` prints calls profilegen with ``_PROFILEGEN_COMPLETE`` set; only then
are these functions asked, so a normal run pays for none of them. They never raise: a shell completing a
word must not print a traceback.

No `from __future__ import annotations`: typer reads these functions' parameters.
"""

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

COMPLETE_VAR = "_PROFILEGEN_COMPLETE"
SHELLS = ("bash", "zsh", "fish")


def _catalog(ctx: Any) -> Any:
    from profilegen.catalog.user import open_catalog

    root = ctx.find_root() if ctx is not None else None
    user_dir = None
    for context in (ctx, ctx.parent if ctx is not None else None, root):
        value = getattr(context, "params", {}).get("catalog_dir") if context is not None else None
        user_dir = user_dir or value
    return open_catalog(user_dir)


def _quietly(found: Iterator[str]) -> list[str]:
    items: list[str] = []
    with contextlib.suppress(Exception):
        items.extend(found)
    return items


def preset_names(incomplete: str) -> list[str]:
    """Shipped preset names, then preset files (*.toml) in the folder being typed."""
    def found() -> Iterator[str]:
        from profilegen.preset import shipped_presets

        if "/" not in incomplete:
            yield from (name for name in shipped_presets() if name.startswith(incomplete))
        folder = Path(incomplete).parent if "/" in incomplete else Path()
        for path in sorted(folder.iterdir()):
            shown = str(path) if "/" in incomplete else path.name
            if shown.startswith(incomplete) and (path.suffix == ".toml" or path.is_dir()):
                yield shown + ("/" if path.is_dir() else "")

    return _quietly(found())


def domains(ctx: typer.Context, incomplete: str) -> list[str]:
    """Preference domains, then Apple payload types (for `catalog DOMAIN`)."""
    def found() -> Iterator[str]:
        catalog = _catalog(ctx)
        yield from (name for name in catalog.domains() if name.startswith(incomplete))
        yield from (name for name in payload_types(catalog) if name.startswith(incomplete))

    return _quietly(found())


def payload_types(catalog: Any) -> list[str]:
    return list(catalog.payloads.types())


def keys(ctx: typer.Context, incomplete: str) -> list[str]:
    """The keys of the domain given before (`catalog DOMAIN KEY`)."""
    def found() -> Iterator[str]:
        schema = _catalog(ctx).domain(ctx.params.get("domain") or "")
        if schema is not None:
            yield from (name for name in sorted(schema.keys) if name.startswith(incomplete))

    return _quietly(found())


def set_values(ctx: typer.Context, incomplete: str) -> list[str]:
    """`--set DOMAIN:KEY=VALUE`: a domain (with its ':'), then a key of it (with its '='), then the key's
    allowed values when it has a list of them."""
    def found() -> Iterator[str]:
        catalog = _catalog(ctx)
        domain, colon, rest = incomplete.partition(":")
        if not colon:
            yield from (f"{name}:" for name in catalog.domains() if name.startswith(incomplete))
            return
        key, equals, value = rest.partition("=")
        schema = catalog.domain(domain)
        if schema is None:
            return
        if not equals:
            yield from (f"{domain}:{name}=" for name in sorted(schema.keys) if name.startswith(key))
            return
        spec = schema.keys.get(key)
        choices = list(spec.enum or ()) if spec is not None else []
        if spec is not None and spec.plist_type == "bool":
            choices = ["true", "false"]
        shown = [str(c).lower() if isinstance(c, bool) else str(c) for c in choices]
        yield from (f"{domain}:{key}={c}" for c in shown if c.startswith(value))

    return _quietly(found())


def payload_filter(ctx: typer.Context, incomplete: str) -> list[str]:
    """`catalog payloads TEXT`: Apple's payload types."""
    return _quietly(name for name in payload_types(_catalog(ctx)) if name.startswith(incomplete))


# typer's bash script hands over bash's words, which bash splits at ':' and '=' (COMP_WORDBREAKS), so
# `--set com.microsoft.autoupdate2:Chan<TAB>` would arrive in three pieces. This one splits the line at
# spaces, as profilegen reads it, and gives back each completion from where bash's own word starts.
BASH_SCRIPT = r"""_profilegen_completion() {
    local line="${COMP_LINE:0:COMP_POINT}" IFS=$' \t\n'
    local -a words
    read -r -a words <<< "$line"
    [[ "$line" =~ [[:space:]]$ ]] && words+=("")
    local cword=$(( ${#words[@]} - 1 ))
    local cur="${words[cword]}" part="${COMP_WORDS[COMP_CWORD]}"
    local cut=$(( ${#cur} - ${#part} ))
    (( cut < 0 )) && cut=0
    local IFS=$'\n' reply
    COMPREPLY=()
    for reply in $(env COMP_WORDS="${words[*]}" COMP_CWORD="$cword" _PROFILEGEN_COMPLETE=complete_bash "$1"); do
        COMPREPLY+=("${reply:cut}")
    done
    if (( ${#COMPREPLY[@]} == 1 )) && [[ "${COMPREPLY[0]}" == *[:=/] ]]; then
        compopt -o nospace 2>/dev/null
    fi
    return 0
}

complete -o default -F _profilegen_completion profilegen"""


def shells(incomplete: str) -> list[str]:
    return [shell for shell in SHELLS if shell.startswith(incomplete)]


def completion_command(shell: str = typer.Argument(..., metavar="bash|zsh|fish", autocompletion=shells,
                                                   help="The shell to complete in.")) -> None:
    """Print the shell completion script: preset names, commands, options, domains, keys and payload types."""
    from profilegen.errors import UsageError

    if shell not in SHELLS:
        raise UsageError(f"no completion for {shell!r}", hint="use bash, zsh or fish")
    if shell == "bash":
        typer.echo(BASH_SCRIPT)
        return
    from typer._completion_shared import get_completion_script

    typer.echo(get_completion_script(prog_name="profilegen", complete_var=COMPLETE_VAR, shell=shell))


def register(app: typer.Typer) -> None:
    from profilegen.commands.help import epilog

    app.command("completion", epilog=epilog("completion"))(completion_command)

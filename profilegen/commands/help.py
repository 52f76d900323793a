"""--help pages: command lists with each summary whole (wrapped to the width, never cut with "..."), and the
examples each command's page ends with; usage errors (a bad option value, "No such command") escaped."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from typer import BadParameter
from typer.core import TyperGroup

from profilegen.printable import printable

# click's ClickException, vendored by typer 0.26 and later, click's own before: the base of every usage error
_CLICK_ERROR = cast(type[Exception], next(c for c in BadParameter.__mro__ if c.__name__ == "ClickException"))

EXAMPLES: dict[str, tuple[str, ...]] = {
    "profilegen": ("profilegen build office-volume-license-lockdown --out dist/",
                   "profilegen new my-org --from office-telemetry-off --org contoso.com"),
    "build": ("profilegen build office-telemetry-off --identifier com.contoso.telemetry --org Contoso --out dist/",
              "profilegen build presets/*.toml --strict --office-version 16.28 --format json > build.json"),
    "new": ("profilegen new my-org --from office-telemetry-off --org contoso.com",
            "profilegen new mau --identifier com.contoso.mau --set com.microsoft.autoupdate2:ChannelName=Current"),
    "presets": ("profilegen presets", "profilegen presets show office-telemetry-off > my-org.toml"),
    "presets show": ("profilegen presets show office-privacy-zero",
                     "profilegen presets show office-privacy-zero --format json"),
    "catalog": ("profilegen catalog com.microsoft.Word UseOnlineContent", "profilegen catalog search telemetry"),
    "catalog show": ("profilegen catalog com.microsoft.autoupdate2",
                     "profilegen catalog com.microsoft.autoupdate2 ChannelName --format json"),
    "catalog search": ("profilegen catalog search channel", "profilegen catalog search 'smart lookup' --format json"),
    "catalog choices": ("profilegen catalog choices", "profilegen catalog choices --format json"),
    "catalog import-manifests": ("profilegen catalog import-manifests ProfileManifests/Manifests",
                                 "profilegen catalog import-manifests Manifests --into ci/catalog"),
    "catalog payloads": ("profilegen catalog payloads", "profilegen catalog payloads wifi"),
    "catalog import-apple": ("profilegen catalog import-apple device-management/mdm/profiles",),
    "completion": ("profilegen completion bash > ~/.local/share/bash-completion/completions/profilegen",
                   "profilegen completion zsh > ~/.zfunc/_profilegen    # with ~/.zfunc in $fpath"),
    "endpoints": ("profilegen endpoints office-volume-license-lockdown",
                  "profilegen endpoints my-fleet --app WXPO --format squid > office-silenced.conf"),
    "sign": ("profilegen sign dist/office.mobileconfig -o dist/office.signed.mobileconfig --p12 id.p12 "
             "--password-env P12_PASSWORD",),
    "verify": ("profilegen verify signed.mobileconfig --ca enterprise-root.pem",
               "profilegen verify signed.mobileconfig --extract plain.mobileconfig"),
    "unsign": ("profilegen unsign signed.mobileconfig -o plain.mobileconfig",),
    "show": ("profilegen show Office.mobileconfig", "profilegen show --format json Office.mobileconfig"),
    "validate": ("profilegen validate profiles/*.mobileconfig presets/*.toml",
                 "profilegen validate --strict --office-version 16.28 --format json Office.mobileconfig"),
    "diff": ("profilegen diff deployed.mobileconfig presets/office.toml",
             "profilegen diff old.mobileconfig new.mobileconfig --format json"),
    "import": ("profilegen import Office.mobileconfig --save office.toml",),
    "wizard": ("profilegen wizard", "profilegen wizard --from my-org.toml --save my-org.toml --force"),
    "export": ("profilegen export jamf-schema com.microsoft.autoupdate2 -o mau.json",
               "profilegen export intune-plist office-telemetry-off --out intune/"),
    "export jamf-schema": ("profilegen export jamf-schema com.microsoft.autoupdate2 -o mau.json",),
    "export intune-plist": ("profilegen export intune-plist office-telemetry-off --out intune/",),
    "upload": ("profilegen upload jamf office-telemetry-off --url https://jamf.example.com --dry-run",
               "profilegen upload intune office-telemetry-off --tenant contoso.onmicrosoft.com --dry-run"),
    "upload jamf": ("profilegen upload jamf office-telemetry-off --url https://jamf.example.com --dry-run",),
    "upload intune": ("profilegen upload intune office-telemetry-off --tenant contoso.onmicrosoft.com --dry-run",),
}


def epilog(command: str) -> str:
    """The examples block of a command's --help (\\b keeps click from rewrapping the lines)."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in EXAMPLES[command])


@contextmanager
def _escaped_usage_errors() -> Iterator[None]:
    """click quotes the user's words in its errors (an option, a value, extra arguments) escaping C0 and C1
    controls at most, so bidi overrides and line separators reach the terminal raw: escape the whole message."""
    try:
        yield
    except _CLICK_ERROR as error:
        message = getattr(error, "message", None)
        if isinstance(message, str):
            setattr(error, "message", printable(message))  # noqa: B010 (an attribute mypy does not know)
        raise


class HelpGroup(TyperGroup):
    """A group whose command list shows each command's first sentence whole, wrapped to the width, and whose
    usage errors (its own and its commands') are escaped."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        with _escaped_usage_errors():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        with _escaped_usage_errors():
            return super().invoke(ctx)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class ShowByDefaultGroup(HelpGroup):
    """A group whose first word, when it is not a subcommand, is the argument of `show`:
    `presets NAME` is `presets show NAME`, `catalog DOMAIN [KEY]` is `catalog show DOMAIN [KEY]`."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["show", *args]
        return super().resolve_command(ctx, args)

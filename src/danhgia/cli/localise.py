"""One language at a time in what Typer itself prints: help pages and usage errors.

Typer (with its vendored Click) writes its own English: "Missing option '--month'", "Usage:",
"Options", "Show this message and exit.", and shows flags as ``--force <bool>``. ``DanhgiaGroup``
is the app's top-level command class: before parsing it reads the language asked for
(``--lang`` anywhere on the line, else ``DANHGIA_LANG``, else Vietnamese), puts every help text
of the command tree in that language (texts declared with :func:`H`), and prints usage errors in
our own words, in that language, with exit code 2.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Sequence

from typer.core import TyperGroup
from typer.exceptions import Abort

# Vietnamese help text → English (filled by H at import time of the command modules).
_EN: dict[str, str] = {}


def H(vi: str, en: str) -> str:
    """A help text: Vietnamese in the source, English registered for ``--lang en``."""
    _EN[_key(vi)] = en
    return vi


def _key(text: str) -> str:
    return " ".join(text.split())


def lang_from(args: Sequence[str] | None) -> str:
    """The language a command line asks for: ``--lang X`` / ``--lang=X``, else DANHGIA_LANG, else vi."""
    args = list(args or [])
    for i, a in enumerate(args):
        if a == "--":
            break
        if a == "--lang" and i + 1 < len(args):
            return "en" if args[i + 1].lower() == "en" else "vi"
        if a.startswith("--lang="):
            return "en" if a.split("=", 1)[1].lower() == "en" else "vi"
    return "en" if os.environ.get("DANHGIA_LANG", "").lower() == "en" else "vi"


def _t(lang: str, vi: str, en: str) -> str:
    return en if lang == "en" else vi


# --- help pages -------------------------------------------------------------------------------

_RICH_WORDS = {  # typer.rich_utils module constants, per language
    "ARGUMENTS_PANEL_TITLE": ("Tham số", "Arguments"),
    "OPTIONS_PANEL_TITLE": ("Tùy chọn", "Options"),
    "COMMANDS_PANEL_TITLE": ("Lệnh", "Commands"),
    "ERRORS_PANEL_TITLE": ("Lỗi", "Error"),
    "ABORTED_TEXT": ("Đã dừng.", "Aborted."),
    "DEFAULT_STRING": ("[mặc định: {}]", "[default: {}]"),
    "ENVVAR_STRING": ("[biến môi trường: {}]", "[env var: {}]"),
    "REQUIRED_LONG_STRING": ("[bắt buộc]", "[required]"),
    "DEPRECATED_STRING": ("(không dùng nữa) ", "(deprecated) "),
}


_RICH_LANG = ["vi"]     # the language of the words typer.rich_utils gets when it is imported


def _set_rich_words(module: Any) -> None:
    lang = _RICH_LANG[0]
    for name, pair in _RICH_WORDS.items():
        if hasattr(module, name):
            setattr(module, name, pair[1] if lang == "en" else pair[0])


class _WhenImported:
    """A one-shot import hook: runs ``then(module)`` right after ``name`` is first imported.

    typer.rich_utils pulls in rich.markdown and markdown-it (~0.1 s of start-up, issue 16) and
    is only needed when a help page is printed; importing it here for every command, just to
    set its words, made ``danhgia --version`` and every run pay for it."""

    def __init__(self, name: str, then) -> None:
        self.name, self.then = name, then

    def find_spec(self, fullname: str, path=None, target=None):
        if fullname != self.name:
            return None
        from importlib.machinery import PathFinder

        sys.meta_path.remove(self)
        spec = PathFinder.find_spec(fullname, path, target)
        loader = getattr(spec, "loader", None)
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        exec_module, then = loader.exec_module, self.then

        def run(module) -> None:
            exec_module(module)
            then(module)

        loader.exec_module = run       # this spec's own loader (one per module file)
        return spec


def _localise_rich(lang: str) -> None:
    _RICH_LANG[0] = lang
    module = sys.modules.get("typer.rich_utils")
    if module is not None:
        _set_rich_words(module)
    elif not any(isinstance(f, _WhenImported) for f in sys.meta_path):
        sys.meta_path.insert(0, _WhenImported("typer.rich_utils", _set_rich_words))


def _help_in(text: Any, lang: str) -> Any:
    if not isinstance(text, str) or lang != "en":
        return text
    return _EN.get(_key(text), text)


def _usage_formatter(lang: str):
    from typer._click.formatting import HelpFormatter

    class Formatter(HelpFormatter):
        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            super().write_usage(prog, args, prefix or _t(lang, "Cách dùng: ", "Usage: "))

    return Formatter


def localise_tree(cmd, lang: str) -> None:
    """Put every help text of ``cmd`` and its sub-commands in ``lang``; flags without a type."""
    from typer._click import Context

    formatter = _usage_formatter(lang)

    class _Ctx(Context):
        formatter_class = formatter

    def visit(c) -> None:
        c.context_class = _Ctx
        c.help = _help_in(c.help, lang)
        c.short_help = _help_in(c.short_help, lang)
        c.epilog = _help_in(c.epilog, lang)
        help_opt = c.get_help_option(Context(c))
        if help_opt is not None:
            help_opt.help = _t(lang, "Hiện trang trợ giúp này rồi thoát.", "Show this help and exit.")
        c.options_metavar = _t(lang, "[TÙY CHỌN]", "[OPTIONS]")
        if hasattr(c, "subcommand_metavar"):
            c.subcommand_metavar = _t(lang, "LỆNH [THAM SỐ]...", "COMMAND [ARGS]...")
        for p in list(c.params) + ([help_opt] if help_opt is not None else []):
            p.help = _help_in(getattr(p, "help", None), lang)
            if getattr(p, "is_flag", False):
                p.metavar = ""   # a flag takes no value: show «--force», not «--force <bool>»
            elif p.metavar is None and not _choices(p):
                p.metavar = _metavar(p, lang)
        for sub in (getattr(c, "commands", None) or {}).values():
            visit(sub)

    visit(cmd)


_ARG_NAMES = {"paths": ("ĐƯỜNG_DẪN", "PATHS"), "monthly": ("BẢNG_THÁNG", "MONTHLY"),
              "ref": ("KHUNG", "FRAMEWORK"), "files": ("TỆP", "FILES")}


def _metavar(param, lang: str) -> str:
    """A value's placeholder in the help, in ``lang``: «--month THÁNG», «--out TỆP», «PATHS...»."""
    k = 1 if lang == "en" else 0
    if getattr(param, "param_type_name", "") == "argument":
        param.display_type_rich = lambda ctx: None   # the type («<list[Path]>») says nothing to a person
        return _ARG_NAMES.get(param.name or "", ((param.name or "").upper(),) * 2)[k]
    desc = getattr(param, "type_descriptor", None)
    ann = str(getattr(desc, "annotation", "") or "")
    if "Path" in ann:
        return ("ĐƯỜNG_DẪN", "PATH")[k]
    if "int" in ann:
        return ("SỐ", "NUMBER")[k]
    names = {"--month": ("THÁNG", "MONTH"), "--framework": ("KHUNG", "FRAMEWORK"), "--variant": ("LOẠI", "VARIANT"),
             "--rules": ("QUY_ĐỊNH", "RULES"), "--select": ("MÃ", "CODES"), "--ignore": ("MÃ", "CODES")}
    for o in getattr(param, "opts", []):
        if o in names:
            return names[o][k]
    return ("GIÁ_TRỊ", "VALUE")[k]


# --- usage errors -----------------------------------------------------------------------------

def _opt_name(param) -> str:
    if param is None:
        return ""
    opts = list(getattr(param, "opts", []) or [])
    if getattr(param, "param_type_name", "") == "argument":
        return (getattr(param, "human_readable_name", None) or param.name or "").upper()
    longs = [o for o in opts if o.startswith("--")]
    shorts = [o for o in opts if not o.startswith("--")]
    name = (longs or opts or [param.name or ""])[0]
    return name + (f" ({', '.join(shorts)})" if longs and shorts else "")


def _choices(param) -> list[str]:
    desc = getattr(param, "type_descriptor", None)
    found = list(getattr(desc, "choices", None) or []) if desc is not None else []
    if not found:
        found = list(getattr(getattr(param, "type", None), "choices", None) or [])
    return [str(getattr(c, "value", c)) for c in found]


def _quoted(message: str) -> str | None:
    import re

    m = re.search(r"'([^']*)'", message or "")
    return m.group(1) if m else None


def usage_error_text(exc, lang: str) -> str:
    """A Click usage error in our words and in ``lang``."""
    from typer._click import exceptions as ce

    msg = getattr(exc, "message", "") or ""
    param = getattr(exc, "param", None)
    if isinstance(exc, ce.MissingParameter):
        name = _opt_name(param)
        if getattr(param, "param_type_name", "") == "argument":
            return _t(lang, f"Thiếu tham số {name}", f"Missing argument {name}")
        return _t(lang, f"Thiếu tùy chọn bắt buộc {name}", f"Missing option {name}")
    if isinstance(exc, ce.NoSuchOption):
        text = _t(lang, f"Không có tùy chọn {exc.option_name}", f"No such option: {exc.option_name}")
        if exc.possibilities:
            alts = ", ".join(sorted(exc.possibilities))
            text += _t(lang, f" (có phải ý bạn là {alts}?)", f" (did you mean {alts}?)")
        return text
    if isinstance(exc, ce.BadOptionUsage):
        name = exc.option_name
        if "requires" in msg:
            return _t(lang, f"Tùy chọn {name} cần một giá trị", f"Option {name} needs a value")
        if "does not take a value" in msg:
            return _t(lang, f"Tùy chọn {name} không nhận giá trị", f"Option {name} takes no value")
        return _t(lang, f"Dùng sai tùy chọn {name}", f"Wrong use of option {name}")
    if isinstance(exc, ce.BadParameter):
        name = _opt_name(param)
        value = _quoted(msg)
        shown = f" «{value}»" if value is not None else ""
        choices = _choices(param)
        if choices:
            return _t(lang, f"Giá trị{shown} không hợp lệ cho {name}; chọn một trong: {', '.join(choices)}",
                      f"Invalid value{shown} for {name}; choose one of: {', '.join(choices)}")
        if "does not exist" in msg:
            return _t(lang, f"{name}: không tìm thấy{shown}", f"{name}: not found{shown}")
        rng = getattr(param, "_get_number_range_help_str", lambda: None)()
        if rng:
            return _t(lang, f"Giá trị{shown} không hợp lệ cho {name}; cần một số trong khoảng {rng}",
                      f"Invalid value{shown} for {name}; a number in {rng} is needed")
        if "integer" in msg or " int" in msg:
            return _t(lang, f"Giá trị{shown} không hợp lệ cho {name}; cần một số nguyên",
                      f"Invalid value{shown} for {name}; a whole number is needed")
        return _t(lang, f"Giá trị{shown} không hợp lệ cho {name}", f"Invalid value{shown} for {name}")
    if msg.startswith("Got unexpected extra argument"):
        extra = msg[msg.find("(") + 1:msg.rfind(")")] if "(" in msg else ""
        return _t(lang, f"Thừa tham số: {extra}", f"Unexpected extra argument: {extra}")
    if msg.startswith("No such command"):
        return _t(lang, f"Không có lệnh «{_quoted(msg) or ''}»", f"No such command «{_quoted(msg) or ''}»")
    if msg.startswith("Missing command"):
        return _t(lang, "Thiếu tên lệnh", "Missing command")
    return _t(lang, "Dùng lệnh chưa đúng", "Wrong use of the command") + (f" ({msg})" if lang == "en" else "")


def _lang_defaults(cmd, lang: str) -> dict:
    out: dict = {"lang": lang}
    for name, sub in (getattr(cmd, "commands", None) or {}).items():
        out[name] = _lang_defaults(sub, lang)
    return out


class DanhgiaGroup(TyperGroup):
    """The top-level command: help and usage errors in one language (see the module doc)."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        from typer._click import exceptions as ce

        argv = list(sys.argv[1:] if args is None else args)
        lang = lang_from(argv)
        _localise_rich(lang)
        localise_tree(self, lang)
        if any(a == "--lang" or a.startswith("--lang=") for a in argv):
            # «danhgia --lang en validate …»: the sub-command's --lang defaults to the one given
            extra.setdefault("default_map", _lang_defaults(self, lang))
        if not standalone_mode:
            return super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            rv = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except ce.UsageError as exc:
            ctx = exc.ctx
            where = ctx.command_path if ctx is not None else (prog_name or "danhgia")
            sys.stderr.write(_t(lang, "Lỗi: ", "Error: ") + usage_error_text(exc, lang) + "\n")
            sys.stderr.write(_t(lang, f"Xem «{where} --help».", f"See «{where} --help».") + "\n")
            sys.exit(exc.exit_code)
        except ce.ClickException as exc:   # pragma: no cover - other Click errors (file opening)
            sys.stderr.write(_t(lang, "Lỗi: ", "Error: ") + exc.format_message() + "\n")
            sys.exit(exc.exit_code)
        except Abort:
            sys.stderr.write(_t(lang, "Đã dừng.", "Aborted.") + "\n")
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)

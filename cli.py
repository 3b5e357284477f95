"""dibao command line: the `dibao` group, its global options, the error handler, and the commands.

The commands themselves live next to their stage in archive/commands/ (workspace, forms, build,
search, audit, demo), thin over the archive/ and indexer/ libraries, which they import only
when they run.  Every command prints plain Chinese and exits with a documented code
(archive/errors.py); a traceback appears only with --debug.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click

from archive import __version__
from archive.commands import audit, build, demo, forms, inbox, roster, search, web, workspace
from archive.errors import EXIT_INTERRUPTED, EXIT_OUTPUT, ConfigError, DibaoError, ProblemsFound

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

from archive import clickzh  # noqa: E402 - click's usage errors in Chinese, before any command runs

clickzh.install()


class State:
    def __init__(self, workspace: Path | None, debug: bool):
        self.workspace_path = workspace
        self.debug = debug
        self._ws = None

    @property
    def ws(self):
        if self._ws is None:
            from archive.workspace import find_workspace

            self._ws = find_workspace(self.workspace_path)
            from archive import tmpdir

            tmpdir.activate(self._ws.state_dir)   # temp files inside the workspace, removed on exit
        return self._ws

    def ws_or_none(self):
        """The workspace, or None when run outside one (an explicit --workspace that is not one stays an error)."""
        try:
            return self.ws
        except ConfigError:
            if self.workspace_path is not None:
                raise
            return None


OUTPUT_PARAMS = ("out", "output", "xlsx", "pdf", "prepare", "export_xlsx", "export_pdf")


def _guard_outputs(ctx) -> None:
    """No output (-o, --out, --xlsx, --pdf, --prepare, --export) inside households/ or scans/:
    those folders hold the sources, which dibao never changes."""
    paths = [v for k, v in ctx.params.items() if k in OUTPUT_PARAMS and isinstance(v, Path)]
    state = ctx.find_object(State)
    if not paths or state is None:
        return
    ws = state.ws_or_none()
    if ws is None:
        return
    from archive.errors import UsageError

    for p in paths:
        target = (Path.cwd() / p).resolve()
        for src in (ws.households_dir, ws.scans_dir):
            src = src.resolve()
            if target == src or src in target.parents:
                raise UsageError(f"输出不能写到 {src.name}/ 里：那里是源文件（家庭记录、扫描件），dibao 从不改动它们",
                                 path=p, hint="换一个输出位置，例如工作区之外的文件夹")


def handle_errors(fn):
    """Turn domain errors into a Chinese message and a stable exit code."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        ctx = click.get_current_context()
        debug = bool(ctx.find_object(State) and ctx.find_object(State).debug)
        try:
            _guard_outputs(ctx)
            return fn(*args, **kwargs)
        except ProblemsFound as exc:
            if exc.message:
                click.echo(exc.user_message(), err=True)
            ctx.exit(exc.exit_code)
        except DibaoError as exc:
            if debug:
                raise
            click.echo(f"出错了：{exc.user_message()}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("\n已中断。已完成的文件保留；未完成的没有写出，重新运行即可继续。", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except OSError as exc:
            if debug:
                raise
            from archive.fsutil import output_error

            err = output_error(exc, exc.filename or "")
            click.echo(f"出错了：{err.user_message()}", err=True)
            ctx.exit(EXIT_OUTPUT)

    return wrapper


class _RedactingStream:
    """A text stream that masks ID and bank card numbers in everything written to it: the last
    line of defence for anything printed (reports, JSON, messages, progress)."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        from archive.redact import redact

        return self._stream.write(redact(text) if isinstance(text, str) else text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _redact_streams() -> None:
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, _RedactingStream):
            setattr(sys, name, _RedactingStream(stream))


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", message="dibao %(version)s")
@click.option("--workspace", "-w", type=click.Path(path_type=Path, file_okay=False),
              help="工作区目录（默认：当前目录或其上级中含 dibao.toml 的目录）")
@click.option("--debug", is_flag=True, help="出错时显示程序内部的详细信息（给技术人员看）")
@click.pass_context
def main(ctx, workspace, debug):
    """dibao：低保档案“一户一档、一村一盒”整理工具。

    \b
    常用流程：
      dibao init 永安镇档案 --profile fenxi    建立工作区
      dibao validate                           检查全部家庭记录
      dibao calc households/FX-001.json        核算一户收入与补差
      dibao forms fill fenxi-09 --household households/FX-001.json -o 审核确认表.pdf
      dibao build                              生成每户的审批类、日常管理类、财务类卷宗
      dibao search 张三                        全文检索
      dibao audit                              查缺补漏
    """
    os.umask(0o077)  # everything dibao creates is readable by the owner only
    _redact_streams()
    if not debug:  # library chatter in English ("incorrect startxref pointer") is not for clerks
        import logging

        logging.getLogger("pypdf").setLevel(logging.ERROR)
    ctx.obj = State(workspace, debug)


# ---------------------------------------------------------------- commands (one module per stage)

def _prepare(command: click.Command) -> click.Command:
    """Give a command (and each subcommand of a group) the common settings and the error handler."""
    command.context_settings = {**CONTEXT, **command.context_settings}
    if command.callback is not None and not getattr(command.callback, "dibao_handled", False):
        command.callback = handle_errors(command.callback)
        command.callback.dibao_handled = True
    for sub in getattr(command, "commands", {}).values():
        _prepare(sub)
    return command


for _module in (workspace, roster, forms, build, search, audit, inbox, demo, web):
    for _command in _module.COMMANDS:
        main.add_command(_prepare(_command))


def run():
    """Entry point: exit codes as documented, no traceback for Ctrl-C."""
    try:
        main(prog_name="dibao")
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    run()

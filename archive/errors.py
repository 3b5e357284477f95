"""One exception base with stable exit codes.

Every error a user can cause or meet carries a plain-Chinese message that names
the file (and field) involved and says what to do.  The CLI prints the message
and exits with the class's exit code; tracebacks appear only with --debug.

Exit codes are part of the public interface (documented in the README):

    0   success
    1   the check ran and found problems (validate, audit, verify)
    2   wrong command-line usage (click)
    3   bad input data: a record, scan or template that cannot be used
    4   workspace or configuration problem
    5   an outside program (LibreOffice, tesseract) is not installed
    6   an outside program failed or ran past its time limit
    7   the workspace is busy (another dibao is working on it)
    8   the output cannot be written (read-only folder, disk full)
    9   a privacy check stopped a public output
    130 interrupted (Ctrl-C)
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_CONFIG = 4
EXIT_TOOL_MISSING = 5
EXIT_TOOL_FAILED = 6
EXIT_BUSY = 7
EXIT_OUTPUT = 8
EXIT_PRIVACY = 9
EXIT_INTERRUPTED = 130


class DibaoError(Exception):
    """Base of every error shown to users.

    message: what went wrong, in Chinese.
    path:    the file concerned (shown first), if any.
    field:   the JSON path / cell / tag concerned, if any.
    hint:    what the user should do (in Chinese).
    """

    exit_code = EXIT_INPUT

    def __init__(self, message: str, *, path=None, field: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.field = field
        self.hint = hint

    def user_message(self) -> str:
        from archive.ids import redact_ids

        parts = []
        if self.path:
            parts.append(f"文件 {self.path}")
        if self.field:
            parts.append(f"位置 {self.field}")
        head = "：".join(parts)
        text = f"{head}：{self.message}" if head else self.message
        if self.hint:
            text += f"\n  处理办法：{self.hint}"
        return redact_ids(text)

    def __str__(self) -> str:  # logs and tracebacks never show full ID numbers
        return self.user_message()


class InputError(DibaoError):
    """A record, scan or template that cannot be used as it is."""

    exit_code = EXIT_INPUT


class ConfigError(DibaoError):
    """Workspace missing, configuration unreadable or inconsistent."""

    exit_code = EXIT_CONFIG


class ToolMissing(DibaoError):
    """An outside program is not installed."""

    exit_code = EXIT_TOOL_MISSING


class ToolFailed(DibaoError):
    """An outside program crashed, failed or timed out."""

    exit_code = EXIT_TOOL_FAILED


class WorkspaceBusy(DibaoError):
    exit_code = EXIT_BUSY


class OutputError(DibaoError):
    """The output could not be written (permissions, disk full)."""

    exit_code = EXIT_OUTPUT


class PrivacyError(DibaoError):
    """A public output would disclose protected personal information."""

    exit_code = EXIT_PRIVACY


class ProblemsFound(DibaoError):
    """A check completed and found problems; its report is already printed."""

    exit_code = EXIT_PROBLEMS


class UsageError(DibaoError):
    """A command-line value that names nothing (a mistyped village or 对象编号)."""

    exit_code = EXIT_USAGE

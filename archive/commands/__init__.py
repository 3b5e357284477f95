"""The dibao commands, one module per stage, thin over the archive/ and indexer/ libraries.

Each module defines plain click commands and a `COMMANDS` tuple.  The top-level cli.py
registers them on the `dibao` group and, while doing so, gives every command (and every
subcommand of a group) the common context settings (-h/--help, help width) and wraps its
callback in the error handler (DibaoError -> Chinese message + stable exit code), so the
modules here neither repeat that nor import cli.py.

Command modules import only click and the standard library at the top; whatever a command
needs from archive/ or indexer/ is imported inside the command function, so `dibao --help`
stays fast and a command loads only the libraries it uses.
"""

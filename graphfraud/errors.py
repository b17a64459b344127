"""The exception hierarchy of graphfraud.

Every error a *user* can cause (bad input, bad parameters, an unreachable
server) is a :class:`GraphfraudError`; the CLI turns it into a one-line
message and a non-zero exit code, never a traceback.  Programming errors stay
ordinary Python exceptions.
"""

from __future__ import annotations


class GraphfraudError(Exception):
    """Base class of every error a user can cause."""


class ContractError(GraphfraudError):
    """An input file breaks the data contract.

    Parameters
    ----------
    file : str
        File name as the user knows it (``claims.csv``).
    row : int or None
        Row number as a spreadsheet user counts it (the header is row 1, the
        first data row is row 2); ``None`` when the problem is the whole file.
    column : str or None
        Column name, ``None`` when the problem is not about one column.
    message : str
        What is wrong, with the offending value and what to do.
    problems : list of ContractError, optional
        Further problems of the same file, reported together.
    """

    def __init__(
        self,
        file: str,
        row: int | None,
        column: str | None,
        message: str,
        problems: list[ContractError] | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.message = message
        self.problems = problems or []
        super().__init__(self.describe())

    def location(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def describe(self) -> str:
        head = f"{self.location()}: {self.message}"
        if not self.problems:
            return head
        lines = [head] + [f"{p.location()}: {p.message}" for p in self.problems]
        return "\n".join(lines)


class ParamError(GraphfraudError, ValueError):
    """A parameter is out of its allowed range.

    Messages follow one form: ``The 'x' parameter of f must be ... Got ... instead.``
    """


class Neo4jError(GraphfraudError):
    """The Neo4j server cannot be reached, refuses the credentials, or fails a statement."""

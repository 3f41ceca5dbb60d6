"""Commands beyond the core ones (batch, archive, compare), registered on `extractor.cli.app`.

Each module imports only the standard library and Typer at load time, so that
`sprawozdania --help` stays fast; the work is imported inside the commands.
"""

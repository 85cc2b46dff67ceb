"""Results as text for people: tables, markdown, HTML. No files, no typer."""

"""Papermill engine `belarus_trade`: the prose's `{eval}` numbers evaluated during execution.

When papermill runs a chapter with this engine, each
Markdown cell's expressions are sent to the kernel (Jupyter's `user_expressions`) right after
the code cells above it have run, and the answers are stored in the cell's
`metadata.user_expressions`, the format jupyterlab-myst writes and reads. So the same stored
value is shown by JupyterLab (jupyterlab-myst) and by the HTML book (`site.stored_numbers`'s `eval`
role), and no number is typed into the text. An expression that fails stops the execution.

Run a chapter by hand with `papermill IN OUT --engine belarus_trade` (the entry point in
`pyproject.toml`); plain papermill would leave the stored values of the last run in place.
"""
from __future__ import annotations

from nbclient.util import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine

from belarus_trade.chapters.prose import MAX_EXPRESSIONS_PER_CELL, METADATA_KEY, TRANSLATION_KEY, InlineExpressionError, inline_expressions, readable


class InlineExpressionClient(PapermillNotebookClient):
    """Papermill's client, plus the evaluation of each Markdown cell's inline expressions."""

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if cell.cell_type != "markdown":
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        expressions = inline_expressions(cell.source)
        if not expressions:
            cell.metadata.pop(METADATA_KEY, None)
            return cell
        if len(expressions) > MAX_EXPRESSIONS_PER_CELL:
            raise InlineExpressionError(f"markdown cell {cell_index}: more than {MAX_EXPRESSIONS_PER_CELL} inline expressions")
        english = self.nb.metadata.get(TRANSLATION_KEY, {}).get("expressions")
        foreign = [expression for expression in expressions if english is not None and expression not in english]
        if foreign:
            raise InlineExpressionError(f"markdown cell {cell_index}: {{eval}}`{foreign[0]}` is not in the English text this "
                                        "translated notebook was made from; a translation evaluates only the English text's expressions")
        named = {str(number): expression for number, expression in enumerate(expressions)}
        msg_id = self.kc.execute("", silent=True, store_history=False, user_expressions=named)
        reply = await self.async_wait_for_reply(msg_id)
        answers = reply["content"].get("user_expressions", {})
        stored = []
        for key, expression in named.items():
            result = answers.get(key, {"status": "error", "ename": "NoReply", "evalue": "the kernel gave no answer"})
            if result.get("status") != "ok":
                raise InlineExpressionError(
                    f"markdown cell {cell_index}: {{eval}}`{expression}` failed with "
                    f"{result.get('ename', 'error')}: {result.get('evalue', '')}")
            data = dict(result.get("data", {}))
            if "text/plain" in data:  # the string itself, as JupyterLab and the book show it, not its repr
                data["text/plain"] = readable(data["text/plain"])
            stored.append({"expression": expression, "result": {
                "status": "ok", "data": data, "metadata": result.get("metadata", {})}})
        cell.metadata[METADATA_KEY] = stored
        return cell

    # nbclient binds its synchronous wrapper to its own coroutine; rebind it to this one.
    execute_cell = run_sync(async_execute_cell)


class InlineExpressionEngine(NBClientEngine):
    """Papermill engine `belarus_trade`: nbclient execution with inline expressions evaluated."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                 stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
        kwargs.pop("input_path", None)
        timeout = execution_timeout or kwargs.pop("timeout", None)
        kwargs.pop("startup_timeout", None)
        return InlineExpressionClient(
            nb_man, timeout=timeout, startup_timeout=start_timeout, kernel_name=kernel_name,
            log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file, **kwargs,
        ).execute()

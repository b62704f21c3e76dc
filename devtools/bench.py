"""What the benchmark commands (`make bench`) share: a throwaway database beside the configured one,
timing helpers, and a bulk writer for millions of rows. Never used by the product itself."""

import contextlib
import os
import shutil
import statistics
import tempfile
import time

from django.db import connection, connections


@contextlib.contextmanager
def throwaway_database(suffix="bench_deadlines"):
    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    test = connection.settings_dict.setdefault("TEST", {})
    folder = None
    if connection.vendor == "sqlite":
        folder = tempfile.mkdtemp(prefix="homeward-bench-")
        test["NAME"] = os.path.join(folder, "bench.sqlite3")
    else:
        test["NAME"] = f"{old_name}_{suffix}"
    name = creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield name, folder or tempfile.gettempdir()
    finally:
        creation.destroy_test_db(old_name, verbosity=0)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)


class SqlTimer:
    """connection.execute_wrapper that records each query's time in ms (the debug log rounds to 1 ms)."""

    def __init__(self, timings):
        self.timings = timings

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.timings.append((time.perf_counter() - start) * 1000)


def timed(fn, runs):
    """(median ms, result of the last run)."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def load_average():
    """The 1-, 5- and 15-minute load averages as printed beside every figure (the machine is shared)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def write(alias, model, count, columns):
    """Bulk insert: `columns` vary per row (raw values), the others are an unsaved instance's defaults."""
    connection = connections[alias]
    prototype = model()
    fields = model._meta.concrete_fields
    names = [f.column for f in fields]
    template = [f.get_db_prep_save(getattr(prototype, f.attname), connection) for f in fields]
    positions = [i for i, name in enumerate(names) if name in columns]
    varying = [iter(columns[names[i]]) for i in positions]
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(n) for n in names)

    def rows():
        for _ in range(count):
            row = list(template)
            for position, values in zip(positions, varying):
                row[position] = next(values)
            yield row

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows():
                    copy.write_row(row)
            return
        dates = {i for i in positions if fields[i].get_internal_type() in ("DateField", "DateTimeField")}
        sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(names))})"
        batch = []
        for row in rows():
            for i in dates:
                row[i] = fields[i].get_db_prep_save(row[i], connection)
            batch.append(row)
            if len(batch) == 20_000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)

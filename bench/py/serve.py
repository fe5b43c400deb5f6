"""The PyTorch side of a paired benchmark (bench/paired.ts, TorchWorker): serves named workloads over stdin/stdout.

Each request line is JSON {"workload": name, "steps": n} and is answered with {"seconds": s}, the mean wall-clock
seconds of one of n steps; {"workload": name, "query": q} is answered with {"value": ...}. A workload is a factory
returning an object with step() (and optionally query(q)), built on first use.
"""
import json
import sys
import time


def serve(factories):
    built = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        name = req["workload"]
        try:
            if name not in built:
                built[name] = factories[name]()
            w = built[name]
            if "query" in req:
                out = {"value": w.query(req["query"])}
            else:
                t = time.perf_counter()
                for _ in range(req["steps"]):
                    w.step()
                out = {"seconds": (time.perf_counter() - t) / req["steps"]}
        except Exception as e:  # reported to the caller, which stops the benchmark with it
            out = {"error": f"{name}: {type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()

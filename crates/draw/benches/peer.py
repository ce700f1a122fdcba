"""The peer beside us: the Sortition Foundation's sortition-algorithms
(PyPI), maximin with its default open solver (HiGHS through highspy), and
leximin when it runs without Gurobi. Prints one JSON line:
{"maximin": {"seconds", "smallest"}, "leximin": {...} or {"error"}}.
Run by crates/draw/benches/draw.rs with the venv's python; never a
dependency of the product."""
import csv, json, sys, time

from sortition_algorithms.features import read_in_features
from sortition_algorithms.people import read_in_people
from sortition_algorithms.settings import Settings
from sortition_algorithms.committee_generation.maximin import find_distribution_maximin
from sortition_algorithms.committee_generation.leximin import find_distribution_leximin

quotas_path, people_path, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(quotas_path) as f:
    r = csv.DictReader(f)
    features, _, _ = read_in_features(r.fieldnames, list(r), size)
with open(people_path) as f:
    r = csv.DictReader(f)
    settings = Settings(id_column="code", columns_to_keep=[])
    people, _ = read_in_people(r.fieldnames, list(r), features, settings)


def run(fn):
    t = time.perf_counter()
    committees, probs, _ = fn(features, people, size, [])
    seconds = time.perf_counter() - t
    marg = {}
    for c, p in zip(committees, probs):
        for pid in c:
            marg[pid] = marg.get(pid, 0.0) + p
    for pid in people:
        marg.setdefault(pid, 0.0)
    smallest = sorted(marg.values())[:2]
    return {"seconds": seconds, "smallest": smallest}


out = {"maximin": run(find_distribution_maximin)}
try:
    out["leximin"] = run(find_distribution_leximin)
except Exception as e:  # it may need Gurobi
    out["leximin"] = {"error": type(e).__name__ + ": " + str(e)[:120]}
print(json.dumps(out))

"""The Dask engine (symnet.engines.dask_engine) on tiny in-process LocalClusters."""

import functools
import os
import subprocess
import sys
import threading
import time

import networkx as nx
import numpy as np
import pytest
import sympy

distributed = pytest.importorskip("distributed")

import symnet  # noqa: E402
from symnet import Network, Polynomial, error_bound, expand, local_polynomials  # noqa: E402
from symnet.engines import Plan  # noqa: E402
from symnet.engines import dask_engine as de  # noqa: E402
from symnet.engines.dask_engine import DaskEngine, DistributedCoefficients, map_boxes  # noqa: E402
from symnet.errors import (ArgumentError, DomainError, ExpansionTooLargeError,  # noqa: E402
                           ResourceError,
                           ShapeError)
from symnet.monomials import basis  # noqa: E402


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  memory_limit="8GB", dashboard_address=":0") as cluster:
        with distributed.Client(cluster) as c:
            yield c


def mlp(n, hidden, acts="tanh", seed=0, n_out=1):
    rng = np.random.default_rng(seed)
    sizes = [n] + list(hidden) + [n_out]
    Ws = [rng.standard_normal((b, a)) / np.sqrt(a) for a, b in zip(sizes[:-1], sizes[1:])]
    bs = [0.5 * rng.standard_normal(b) for b in sizes[1:]]
    if isinstance(acts, str):
        acts = [acts] * len(hidden) + ["identity"]
    return Network.dense(Ws, bs, activations=acts)


def vec(p):
    """Dense coefficient vector of a float Polynomial (every monomial of degree <= order)."""
    B = basis(len(p.variables), p.order)
    out = np.zeros(B.size)
    for e, c in p.terms().items():
        out[B.index_of(e)] = c
    return out


def close(a, b, rel=1e-12):
    a, b = np.asarray(a), np.asarray(b)
    return np.max(np.abs(a - b)) <= rel * max(1.0, np.max(np.abs(b)))


def polys(res):
    return res if isinstance(res, tuple) else (res,)


# -- equality with the local dense engine ------------------------------------

@pytest.mark.parametrize("chunk,rows", [(None, None), (1, 1), (3, 4), (5, 7)])
def test_series_equals_dense(client, chunk, rows):
    net = mlp(4, [7, 6], acts=["tanh", "sigmoid", "identity"], seed=1, n_out=2)
    ref = expand(net, 4, domain="RR")
    got = expand(net, 4, domain="RR", engine=DaskEngine(chunk=chunk, row_blocks=rows))
    for p, q in zip(polys(got), polys(ref)):
        assert isinstance(p, Polynomial) and p.domain == "RR"
        assert close(vec(p), vec(q))
        assert p.meta == q.meta


def test_registered_engine_by_name(client):
    net = mlp(3, [5], acts="softplus", seed=2)
    assert "dask" in symnet.engines.engine_names()
    assert close(vec(expand(net, 3, domain="RR", engine="dask")), vec(expand(net, 3, domain="RR")))


def test_skip_connections_and_mixed_identities(client):
    x, y = sympy.symbols("x y")
    G = nx.DiGraph()
    G.add_node("x", symbol=x)
    G.add_node("y", symbol=y)
    for h, act, b in (("h1", "tanh", 0.3), ("h2", "identity", -0.2), ("h3", "sigmoid", 0.1)):
        G.add_node(h, activation=act, bias=b)
        G.add_edge("x", h, weight=0.7)
        G.add_edge("y", h, weight=-0.4)
    G.add_node("g", activation="tanh", bias=0.25)
    G.add_edge("h1", "g", weight=1.1)
    G.add_edge("h2", "g", weight=-0.6)
    G.add_node("out", bias=0.5)
    for src, w in (("g", 1.5), ("h3", -0.8), ("x", 0.25), ("h2", 0.3)):
        G.add_edge(src, "out", weight=w)
    net = Network.from_graph(G)
    ref = expand(net, 5, domain="RR")
    for chunk in (None, 1, 2):
        assert close(vec(expand(net, 5, domain="RR", engine=DaskEngine(chunk=chunk))), vec(ref))


def test_taylor_at_a_point(client):
    net = mlp(3, [6, 5], seed=3)
    at = [0.3, -0.2, 0.1]
    ref = expand(net, 4, mode="taylor", at=at)
    got = expand(net, 4, mode="taylor", at=at, engine="dask")
    assert got.center == ref.center
    assert close(vec(got), vec(ref))


def test_local_polynomials_over_many_points(client):
    net = mlp(3, [6, 5], seed=4, n_out=2)
    X = np.random.default_rng(0).uniform(-1, 1, (23, 3))
    ref = local_polynomials(net, X, 3)
    for eng in ("dask", DaskEngine(chunk=2)):     # split by centres / layered with centres
        got = local_polynomials(net, X, 3, engine=eng)
        assert len(got) == len(ref)
        for g, r in zip(got, ref):
            assert g[0].center == r[0].center
            for p, q in zip(g, r):
                assert close(vec(p), vec(q))


def test_estimate_reports_the_chunking(client):
    net = mlp(6, [16, 16], seed=5)
    plan = Plan(net, 4, tuple(tuple(None if a.is_identity else a.rule for a in s.activations)
                              for s in net.stages()), None, "RR")
    est = DaskEngine().estimate(plan)
    assert est["workers"] == 2 and est["mode"] == "layers" and est["fits"]
    assert est["monomials"] == basis(6, 4).size and 1 <= est["chunk"] <= 16
    assert est["bytes"] >= est["per_worker_bytes"] > 0
    assert DaskEngine(chunk=3).estimate(plan)["chunk"] == 3


# -- keep="distributed" ----------------------------------------------------------

def test_keep_distributed(client, tmp_path):
    net = mlp(5, [8, 6], seed=6, n_out=2)
    ref = expand(net, 4, domain="RR")
    res = expand(net, 4, domain="RR", engine=DaskEngine(keep="distributed", chunk=3))
    assert isinstance(res, DistributedCoefficients)
    B = basis(5, 4)
    assert res.shape == (B.size, 1, 2) and res.order == 4 and res.variables == net.inputs
    assert "monomials" in repr(res)
    arr = client.compute(res.coefficients).result()
    for k in range(2):
        assert close(arr[:, 0, k], vec(ref[k]))
    # top_k: the largest |coefficients|, with their monomials
    for k in range(2):
        top = res.top_k(7, output=k)
        want = sorted(ref[k].terms().items(), key=lambda t: (-abs(t[1]), B.index_of(t[0])))[:7]
        assert [e for e, _ in top] == [e for e, _ in want]
        assert close([c for _, c in top], [c for _, c in want])
    # gathered back into Polynomials
    back = res.to_polynomials()
    assert close(vec(back[1]), vec(ref[1]))
    # Parquet, written by the workers
    import pyarrow.parquet as pq

    files = res.to_parquet(tmp_path / "c.parquet", rows_per_file=50)
    assert len(files) == -(-B.size // 50)
    table = pq.read_table(tmp_path / "c.parquet")
    cols = table.to_pydict()
    assert cols["index"] == list(range(B.size))
    E = B.exponents()
    assert all(cols[str(v)] == E[:, j].tolist() for j, v in enumerate(net.inputs))
    assert close(cols["coefficient_1"], vec(ref[1]))
    # Zarr
    zarr = pytest.importorskip("zarr")
    res.to_zarr(tmp_path / "c.zarr", rows_per_chunk=40)
    z = zarr.open_array(str(tmp_path / "c.zarr"), mode="r")
    assert z.shape == res.shape and z.attrs["order"] == 4
    assert close(z[:, 0, 0], vec(ref[0]))
    res.close()
    with pytest.raises(ArgumentError):
        res.top_k(3)


def test_keep_distributed_many_centres(client):
    net = mlp(2, [4], seed=7)
    X = np.random.default_rng(1).uniform(-1, 1, (9, 2))
    ref = local_polynomials(net, X, 3)
    [res] = local_polynomials(net, X, 3, engine=DaskEngine(keep="distributed"))
    with res:
        assert res.shape[1] == 9
        got = res.to_polynomials()
        assert all(close(vec(g), vec(r)) for g, r in zip(got, ref))
        assert res.top_k(1, center=4)[0][1] == max(ref[4].terms().values(), key=abs)


# -- boxes ------------------------------------------------------------------------

def test_map_boxes_error_bound(client):
    net = mlp(2, [3], seed=8)
    p = expand(net, 3, domain="RR")
    boxes = [[(-0.1, 0.1)] * 2, [(0.0, 0.2), (-0.2, 0.0)], [(-0.05, 0.15)] * 2]
    fn = functools.partial(error_bound, net, p)
    got = map_boxes(fn, boxes)
    want = [error_bound(net, p, b) for b in boxes]
    assert [float(g) for g in got] == [float(w) for w in want]
    assert all(g.certified for g in got)
    assert map_boxes(fn, []) == []
    assert map_boxes(lambda b, k=0: sum(b) + k, [(1, 2), (3, 4)], k=1) == [4, 8]


def test_map_boxes_refuses_unpicklable(client):
    lock = threading.Lock()
    with pytest.raises(ArgumentError, match="picklable"):
        map_boxes(functools.partial(lambda lk, b: b, lock), [1])
    with pytest.raises(ArgumentError):
        map_boxes(3, [1])


# -- refusals ---------------------------------------------------------------------

def test_exact_and_symbolic_domains_refused(client):
    exact = Network.dense([[[1, 2]]], activations=["tanh"])
    with pytest.raises(ArgumentError, match="domain='RR'"):
        expand(exact, 3, engine="dask")
    with pytest.raises(ArgumentError):
        expand(exact, 3, domain="mpf", engine="dask")
    with pytest.raises(DomainError):
        expand(Network.mlp([2, 1]), 3, domain="RR", engine="dask")
    plan = Plan(exact, 3, ((exact.stages()[0].activations[0].rule,),), None, "QQ")
    with pytest.raises(DomainError, match="float64"):
        DaskEngine().run(plan)


def test_no_client_and_no_permission(monkeypatch):
    def none():
        raise ValueError("No clients found")

    monkeypatch.setattr(distributed, "get_client", none)
    net = mlp(2, [3], seed=9)
    with pytest.raises(ArgumentError, match='Client\\("tcp://scheduler:8786"\\)'):
        expand(net, 2, domain="RR", engine=DaskEngine(start_cluster=False))
    with pytest.raises(ArgumentError, match="scheduler"):
        map_boxes(abs, [1], start_cluster=False)
    with pytest.raises(ArgumentError):
        DaskEngine(keep="everywhere")
    with pytest.raises(ArgumentError):
        DaskEngine(chunk=0)


def test_starts_and_closes_its_own_cluster(monkeypatch):
    def none():
        raise ValueError("No clients found")

    monkeypatch.setattr(distributed, "get_client", none)
    started = []
    real = distributed.LocalCluster

    def spy(**kw):
        c = real(**kw)
        started.append(c)
        return c

    monkeypatch.setattr(distributed, "LocalCluster", spy)
    net = mlp(3, [4], seed=10)
    eng = DaskEngine(cluster_kwargs={"n_workers": 1, "processes": False, "memory_limit": "4GB"})
    got = expand(net, 3, domain="RR", engine=eng)
    assert close(vec(got), vec(expand(net, 3, domain="RR")))
    assert len(started) == 1 and started[0].status.name == "closed"
    # keep="distributed": the result owns the cluster until closed
    eng = DaskEngine(keep="distributed", cluster_kwargs={"n_workers": 1, "processes": False})
    with expand(net, 3, domain="RR", engine=eng) as res:
        assert started[1].status.name == "running"
        assert res.top_k(1)
    assert started[1].status.name == "closed"


def test_memory_guard_names_the_chunking(client):
    net = mlp(6, [16, 16], seed=11)
    with pytest.raises(ExpansionTooLargeError, match="chunks of 1 neuron") as e:
        expand(net, 4, domain="RR", engine="dask", memory_limit=10**6)
    assert "GiB" in str(e.value) or "bytes" in str(e.value)
    # the brief's scale workload: fits 4 workers of 2.5 GB (the layer spills), not 300 MB ones
    big = Network.dense([np.zeros((1024, 60)), np.zeros((1024, 1024)), np.zeros((1, 1024))],
                        activations=["tanh", "tanh", "identity"])
    rules = tuple(tuple(None if a.is_identity else a.rule for a in s.activations)
                  for s in big.stages())
    plan = Plan(big, 4, rules, None, "RR")
    res = de._Resources(4, 1, int(2.5e9), 200 << 20, True, 0.6, "test")
    lay = de._layout(plan, res)
    assert lay.fits and lay.monomials == 635376 and 1 <= lay.chunk <= 16
    assert lay.per_worker < 2.5e9
    small = de._layout(plan, de._Resources(4, 1, int(3e8), 200 << 20, True, 0.6, "test"))
    assert not small.fits and "chunks of 1 neuron" in small.reason
    nospill = de._layout(plan, de._Resources(4, 1, int(2.5e9), 200 << 20, False, 0.6, "test"))
    assert not nospill.fits and "spilling" in nospill.reason


def test_gathering_too_much_is_refused(client, monkeypatch):
    net = mlp(3, [4], seed=12)
    monkeypatch.setattr(de, "memory_limit_bytes", lambda lim: (100, "a tiny test limit"))
    with pytest.raises(ExpansionTooLargeError, match="keep='distributed'"):
        DaskEngine().check(Plan(net, 3, tuple(tuple(None if a.is_identity else a.rule
                                                    for a in s.activations)
                                              for s in net.stages()), None, "RR"))


# -- failures: retried, identical, or an error; never partial ------------------------

def test_a_task_that_fails_once_is_retried(client, monkeypatch):
    net = mlp(4, [6, 5], seed=13)
    ref = expand(net, 3, domain="RR")
    calls = []
    real = de.activate_columns

    def flaky(*args):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("transient failure")
        return real(*args)

    monkeypatch.setattr(de, "activate_columns", flaky)
    got = expand(net, 3, domain="RR", engine=DaskEngine(chunk=2, retries=1))
    assert close(vec(got), vec(ref)) and len(calls) > 1


def test_a_task_that_always_fails_raises(client, monkeypatch):
    def broken(*args):
        raise RuntimeError("always broken")

    monkeypatch.setattr(de, "activate_columns", broken)
    with pytest.raises(RuntimeError, match="always broken"):
        expand(mlp(3, [4], seed=14), 3, domain="RR", engine=DaskEngine(retries=1))
    with pytest.raises(RuntimeError, match="always broken"):
        expand(mlp(3, [4], seed=14), 3, domain="RR", engine=DaskEngine(keep="distributed"))


def test_a_killed_worker_gives_the_same_result():
    """Kill a worker process mid-expansion: Dask recomputes its keys."""
    net = mlp(8, [48, 48], seed=15)
    ref = vec(expand(net, 4, domain="RR"))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  memory_limit="2GB", dashboard_address=":0") as cluster:
        with distributed.Client(cluster) as c:
            addr, victim = sorted(c.run(os.getpid).items())[0]
            eng = DaskEngine(chunk=4)
            expand(net, 2, domain="RR", engine=eng)          # warm the workers up
            done, killed = threading.Event(), []

            def kill():     # once the victim holds activations the others need
                while not done.is_set():
                    if any("-act" in str(k) for k in c.has_what().get(addr, ())):
                        os.kill(victim, 9)
                        killed.append(time.perf_counter())
                        return
                    time.sleep(0.005)

            t = threading.Thread(target=kill)
            t.start()
            try:
                got = expand(net, 4, domain="RR", engine=eng)
                finished = time.perf_counter()
            finally:
                done.set()
                t.join()
            assert killed and killed[0] < finished          # it died mid-expansion
            assert victim not in c.run(os.getpid).values()  # and was replaced
    assert close(vec(got), ref)


# -- packaging -------------------------------------------------------------------

def test_importing_symnet_does_not_import_dask():
    code = ("import sys, symnet; from symnet.engines import get_engine; "
            "e = get_engine('dask'); print('dask' in sys.modules or 'distributed' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert out.stdout.strip() == "False", out.stderr


def test_polynomial_from_vector():
    x, y = sympy.symbols("x y")
    p = Polynomial.from_vector(np.arange(6.0), (x, y), 2, center=(1, 0))
    assert p.coeff((1, 1)) == 4.0 and p.center == (1, 0) and p.domain == "RR"
    with pytest.raises(ShapeError):
        Polynomial.from_vector([1.0, 2.0], (x, y), 2)


@pytest.mark.parametrize("bad", [5, object(), ["tcp://a:1"]])
def test_a_client_that_is_neither_a_client_nor_an_address_is_refused_at_once(bad):
    with pytest.raises(ArgumentError, match="distributed.Client or a scheduler address"):
        DaskEngine(client=bad)


def test_an_empty_cluster_is_waited_for_then_refused(monkeypatch):
    """A cluster starting up (or a nanny restarting its worker) has no workers for a moment."""
    waited = []

    class Empty:
        def scheduler_info(self, n_workers=-1):
            return {"workers": {}}

        def wait_for_workers(self, n, timeout=None):
            waited.append((n, timeout))
            raise TimeoutError

    monkeypatch.setattr(de, "WORKER_WAIT", 0.01)
    with pytest.raises(ResourceError, match="no workers \\(waited 0.01 s\\)"):
        de._client_resources(Empty())
    assert waited == [(1, 0.01)]

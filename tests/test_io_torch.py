"""Tests for symnet.io.torch: from_torch and load_torch with a real torch."""

import io
from fractions import Fraction

import numpy as np
import pytest
import sympy

torch = pytest.importorskip("torch")
nn = torch.nn
F = torch.nn.functional

import symnet  # noqa: E402
from symnet import (FormatError, Network, NotSupportedError, expand, from_torch,  # noqa: E402
                    load_network, load_torch, save_network)

R = sympy.Rational


def test_missing_file_is_a_file_error(tmp_path):
    # a bare FileNotFoundError before; the other loaders give FileError
    from symnet.errors import FileError
    with pytest.raises(FileError, match=r"nope.pt: no such file"):
        load_torch(tmp_path / "nope.pt", activations="tanh")
    with pytest.raises(FileError, match="is a directory"):
        load_torch(tmp_path, activations="tanh")


def torch_eval(model, X):
    with torch.no_grad():
        return model.double()(torch.tensor(X, dtype=torch.float64)).numpy()


def assert_matches(model, net, n_in, atol=1e-12, seed=0):
    X = np.random.RandomState(seed).uniform(-2, 2, size=(200, n_in))
    ref = torch_eval(model, X)
    out = net(X)
    assert out.shape == ref.shape
    assert np.abs(out - ref).max() <= atol


@pytest.fixture(autouse=True)
def seeded():
    torch.manual_seed(0)


ACTS = [nn.Tanh(), nn.Sigmoid(), nn.Softplus(), nn.SiLU(), nn.GELU(), nn.ReLU(),
        nn.LeakyReLU(), nn.Hardtanh(), nn.Identity(), nn.LeakyReLU(0.2), nn.Softplus(beta=2.5),
        nn.Hardtanh(-0.5, 2.0), nn.ReLU6()]


@pytest.mark.parametrize("act", ACTS, ids=lambda a: repr(a))
def test_each_layer_matches_torch(act):
    model = nn.Sequential(nn.Linear(3, 6), act, nn.Linear(6, 2)).double()
    net = from_torch(model)
    assert net.has_floats and net.n_inputs == 3 and net.n_outputs == 2
    # float64 model: the network computes the same function to rounding
    assert_matches(model, net, 3, atol=1e-12)


def test_floats_are_the_float32_values_exactly():
    lin = nn.Linear(2, 1)
    with torch.no_grad():
        lin.weight.copy_(torch.tensor([[0.1, -0.3]]))
        lin.bias.fill_(0.7)
    net = from_torch(nn.Sequential(lin))
    w = net.parameters()
    assert all(isinstance(v, float) for v in w)
    assert w[0] == float(np.float32(0.1)) and w[0] != 0.1
    exact = from_torch(nn.Sequential(lin), exact=True).parameters()
    assert exact[0] == R(Fraction(float(np.float32(0.1)))) and exact[0].q == 2**27
    r = from_torch(nn.Sequential(lin), rationalize=64).parameters()
    assert r == [R(6, 64), R(-19, 64), R(45, 64)]
    with pytest.raises(symnet.SymnetError, match="either exact=True or rationalize"):
        from_torch(nn.Sequential(lin), exact=True, rationalize=64)
    with pytest.raises(symnet.SymnetError, match="rationalize must be a positive integer"):
        from_torch(nn.Sequential(lin), rationalize=0.5)


def test_exact_expansion_of_imported_model_matches_float():
    model = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 4), nn.Sigmoid(),
                          nn.Linear(4, 1))
    pf = expand(from_torch(model), 4)
    pe = expand(from_torch(model, exact=True), 4)
    assert pe.domain == "QQ" and pf.domain == "RR"
    for e, c in pe.terms().items():
        assert abs(float(c) - pf.coeff(e)) < 1e-12


def test_chain_shapes_activation_placement():
    # activation first, two activations in a row, no final Linear, nested Sequential
    model = nn.Sequential(nn.Tanh(), nn.Sequential(nn.Linear(2, 3), nn.Sigmoid()), nn.Tanh(),
                          nn.Dropout(0.1), nn.Flatten(), nn.Linear(3, 3), nn.Linear(3, 1),
                          nn.SiLU()).double().eval()
    net = from_torch(model)
    acts = [s.activations[0].name for s in net.stages()]
    assert acts == ["tanh", "sigmoid", "tanh", "identity", "silu"]
    assert_matches(model, net, 2)


def test_traced_forward():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(3, 5)
            self.fc2 = nn.Linear(5, 5)
            self.out = nn.Linear(5, 2)

        def forward(self, x):
            x = torch.tanh(self.fc1(x))
            x = F.leaky_relu(self.fc2(x), 0.3).sigmoid()
            return F.softplus(self.out(x), beta=2)

    model = Net().double()
    net = from_torch(model)
    acts = [s.activations[0].name for s in net.stages()]
    assert acts == ["tanh", "leaky_relu[3/10]", "sigmoid", "softplus[2]"]
    assert_matches(model, net, 3)


def test_unsupported_is_named():
    with pytest.raises(NotSupportedError, match=r"unsupported layer Conv1d at '1\.0'"):
        from_torch(nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Conv1d(1, 1, 1))))
    if "gelu_tanh" in symnet.activation_names():   # the activation table has it
        net = from_torch(nn.Sequential(nn.Linear(2, 2), nn.GELU(approximate="tanh")))
        assert net.stages()[0].activations[0].name == "gelu_tanh"
    else:
        with pytest.raises(NotSupportedError,
                           match=r"GELU\(approximate='tanh'\) is not supported"):
            from_torch(nn.Sequential(nn.Linear(2, 2), nn.GELU(approximate="tanh")))
    with pytest.raises(NotSupportedError, match="threshold"):
        from_torch(nn.Sequential(nn.Linear(2, 2), nn.Softplus(threshold=5)))
    with pytest.raises(NotSupportedError, match="unsupported layer BatchNorm1d"):
        from_torch(nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2)))

    class Skip(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(2, 2)

        def forward(self, x):
            return x + torch.tanh(self.a(x))
    with pytest.raises(NotSupportedError, match="not a single chain"):
        from_torch(Skip())

    class Weird(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(2, 2)

        def forward(self, x):
            return torch.exp(self.a(x))
    with pytest.raises(NotSupportedError, match="unsupported operation exp"):
        from_torch(Weird())
    with pytest.raises(NotSupportedError, match="no Linear layer"):
        from_torch(nn.Sequential(nn.Tanh()))
    with pytest.raises(symnet.SymnetError, match="expected a torch.nn.Module"):
        from_torch([1, 2])


def test_parametric_activations_are_exact_and_survive_save_load():
    model = nn.Sequential(nn.Linear(2, 3), nn.LeakyReLU(0.2), nn.Linear(3, 3),
                          nn.Softplus(beta=2), nn.Linear(3, 1), nn.Hardtanh(0.0, 6.0))
    net = from_torch(model, rationalize=16)
    names = [s.activations[0].name for s in net.stages()]
    assert names == ["leaky_relu[1/5]", "softplus[2]", "hardtanh[0,6]"]
    z = sympy.Symbol("z")
    sp2 = symnet.get_activation("softplus[2]")
    want = sympy.series(sympy.log(1 + sympy.exp(2 * z)) / 2, z, 0, 6).removeO()
    assert [sympy.simplify(c - want.coeff(z, k)) for k, c in enumerate(sp2.maclaurin(5))] \
        == [0] * 6
    lr = symnet.get_activation("leaky_relu[1/5]")
    assert lr.taylor(R(-1, 2), 1) == (R(-1, 10), R(1, 5))
    f = io.StringIO()
    save_network(net, f)
    f.seek(0)
    back = load_network(f)
    assert back == net


def test_softplus_beta_exact_expansion_matches_sympy():
    lin = nn.Linear(1, 1)
    with torch.no_grad():
        lin.weight.fill_(0.5)
        lin.bias.fill_(0.25)
    net = from_torch(nn.Sequential(lin, nn.Softplus(beta=3)), exact=True)
    p = expand(net, 4)
    x = net.inputs[0]
    f = sympy.log(1 + sympy.exp(3 * (x / 2 + R(1, 4)))) / 3
    # series mode substitutes z = x/2 + 1/4 into the degree-4 Maclaurin polynomial
    z = sympy.Symbol("z")
    mac = sympy.series(sympy.log(1 + sympy.exp(3 * z)) / 3, z, 0, 5).removeO()
    want = sympy.expand(mac.subs(z, x / 2 + R(1, 4)))
    for k in range(5):
        assert sympy.simplify(p.coeff((k,)) - want.coeff(x, k)) == 0
    assert f  # the true function is only for the reader


def test_state_dict_and_load_torch(tmp_path):
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 4), nn.Tanh(),
                          nn.Linear(4, 1)).double()
    path = tmp_path / "m.pt"
    torch.save(model.state_dict(), path)
    net = load_torch(path, activations="tanh,tanh,identity")
    assert net == load_torch(path, activations="tanh")
    assert net == from_torch(model.state_dict(), activations=["tanh", "tanh", "identity"])
    assert_matches(model, net, 3)
    # a checkpoint dict
    torch.save({"epoch": 3, "model_state_dict": model.state_dict()}, tmp_path / "ck.pt")
    assert load_torch(tmp_path / "ck.pt", activations="tanh") == net
    with pytest.raises(symnet.SymnetError, match="3 Linear layers .* but 2 activations"):
        load_torch(path, activations="tanh,identity")
    with pytest.raises(symnet.SymnetError, match="pass activations="):
        from_torch(model.state_dict())


def test_load_torch_refuses_pickles_and_junk(tmp_path):
    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))
    p = tmp_path / "evil.pt"
    torch.save({"x": Evil()}, p)
    with pytest.raises(FormatError, match="weights_only=True"):
        load_torch(p, activations="tanh")
    full = tmp_path / "full.pt"
    torch.save(nn.Sequential(nn.Linear(2, 1)), full)          # a pickled module
    with pytest.raises(FormatError, match="not a torch state file"):
        load_torch(full, activations="identity")
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a zip file at all")
    with pytest.raises(FormatError):
        load_torch(junk, activations="tanh")
    bn = tmp_path / "bn.pt"
    torch.save(nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2)).state_dict(), bn)
    with pytest.raises(NotSupportedError, match="running_mean"):
        load_torch(bn, activations="tanh")


def test_imported_network_is_a_plain_network():
    model = nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 1))
    net = from_torch(model, rationalize=8)
    assert isinstance(net, Network) and not net.has_floats
    assert expand(net, 3).domain == "QQ"

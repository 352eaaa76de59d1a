import numpy as np


def stable_softmax(z, axis=-1):
    z = z - np.max(z, axis=axis, keepdims=True)
    ez = np.exp(z)
    return ez / np.sum(ez, axis=axis, keepdims=True)


def softmax_jacobian(x):
    s = stable_softmax(x)
    return np.diag(s) - np.outer(s, s)


def softmax_vjp(z, g):
    s = stable_softmax(z)
    return s * (g - np.sum(g * s, axis=-1, keepdims=True))


def softmax_backward(grad, probs):
    """Backward through softmax given the cached forward output `probs`."""
    inner = (grad * probs).sum(axis=-1, keepdims=True)
    return probs * (grad - inner)


def jacobian_einsum(logits):
    s = stable_softmax(logits)
    n = s.shape[-1]
    return np.einsum("...i,ij->...ij", s, np.eye(n)) - np.einsum("...i,...j->...ij", s, s)


def softmax_backward_matmul(z, dy):
    # one Jacobian per sample, then a batched mat-vec
    s = stable_softmax(np.atleast_2d(z))
    J = s[:, :, None] * np.eye(s.shape[1])[None] - s[:, :, None] * s[:, None, :]
    out = np.matmul(dy.reshape(s.shape)[:, None, :], J)[:, 0, :]
    return out.reshape(np.shape(z))


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_loops(logits):
    out = []
    for row in np.atleast_2d(logits):
        m = max(row)
        exps = [np.exp(v - m) for v in row]
        total = sum(exps)
        out.append([e / total for e in exps])
    return np.array(out).reshape(np.shape(logits))


def softmax_float32(x):
    x = np.asarray(x, dtype=np.float32)
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def vjp_einsum(z, g):
    s = stable_softmax(z)
    J = np.einsum("...i,ij->...ij", s, np.eye(s.shape[-1])) - np.einsum("...i,...j->...ij", s, s)
    return np.einsum("...i,...ij->...j", g, J)


def softmax_backward_loops(z, dz):
    z = np.atleast_2d(z)
    dz = np.atleast_2d(dz)
    out = np.zeros_like(z, dtype=float)
    for b in range(z.shape[0]):
        row = z[b]
        m = row.max()
        e = [np.exp(v - m) for v in row]
        tot = sum(e)
        s = [v / tot for v in e]
        for j in range(len(s)):
            acc = 0.0
            for i in range(len(s)):
                d = s[i] * ((1.0 if i == j else 0.0) - s[j])
                acc += dz[b][i] * d
            out[b][j] = acc
    return out.reshape(np.shape(np.squeeze(out)) if out.shape[0] == 1 else out.shape)


def softmax_along(x, axis):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_with_temperature(logits, temperature):
    scaled = logits / temperature
    e = np.exp(scaled - scaled.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)

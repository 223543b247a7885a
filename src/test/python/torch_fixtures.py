#!/usr/bin/env python3
"""Writes src/test/resources/torch-fixtures.txt: losses and gradients computed by PyTorch, an oracle independent
of simdloss, for TorchFixtureTest.

Run from the repository root with Debian's PyTorch (apt-get install python3-torch python3-numpy):

    /usr/bin/python3 src/test/python/torch_fixtures.py > src/test/resources/torch-fixtures.txt

The build does not need Python: the output is committed. Inputs are float32 values (drawn by numpy from fixed
seeds); PyTorch computes in float64 on them. Where PyTorch has the loss built in, it is used (mse_loss, l1_loss,
smooth_l1_loss, softplus, binary_cross_entropy_with_logits, cross_entropy, log_softmax, kl_div, ctc_loss);
otherwise Gluon's formula is written with torch operations. Gluon's weighting and mean over the non-batch axes
(mxnet.gluon.loss, _apply_weighting, F.mean(..., exclude=True)) are applied on top. The gradients are autograd's:
d(sum over samples of the loss) / d inputs, nothing derived by hand.

Format, one case per block: "case NAME", "options K=V ...", one line per tensor "NAME DIMS : VALUES" (DIMS
comma-separated, empty for rank 0), then "end". Tensors named loss and grad* are expected outputs, float64
values written with 10 significant digits; the others are float32 inputs, written as the shortest decimal that
gives the float back (Java's Float.parseFloat reads it exactly).
"""
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
OUT = sys.stdout


def java(x, digits):
    """A decimal Java's parsers read: the shortest that gives back the float32 (digits None), or 10 significant
    digits of a float64 output; non-finite values as Java spells them."""
    x = float(x)
    if not np.isfinite(x):
        return "NaN" if np.isnan(x) else ("Infinity" if x > 0 else "-Infinity")
    return str(np.float32(x)) if digits is None else "%.*g" % (digits, x)


def write_tensor(name, a, output):
    a = np.asarray(a, dtype=np.float64)
    values = " ".join(java(x, 10 if output else None) for x in a.ravel())
    OUT.write("%s %s : %s\n" % (name, ",".join(str(d) for d in a.shape), values))


def f32(rng, shape, lo, hi):
    return rng.uniform(lo, hi, size=shape).astype(np.float32)


def signs(rng, shape):
    return np.where(rng.uniform(size=shape) < 0.5, -1.0, 1.0).astype(np.float32)


def t(a, grad=False):
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def mean_except(loss, batch_axis):
    """Gluon's F.mean(loss, axis=batch_axis, exclude=True)."""
    b = batch_axis % loss.dim()
    dims = [d for d in range(loss.dim()) if d != b]
    return loss.mean(dim=dims) if dims else loss


def weighting(loss, weight, sample_weight):
    """Gluon's _apply_weighting: times the sample weight (broadcast), then times the global weight."""
    if sample_weight is not None:
        loss = loss * t(sample_weight)
    if weight is not None:
        loss = loss * weight
    return loss


def emit(name, options, inputs, outputs):
    OUT.write("case %s\n" % name)
    OUT.write("options %s\n" % " ".join("%s=%s" % kv for kv in options.items()))
    for k, v in inputs.items():
        if v is not None:
            assert np.asarray(v).dtype == np.float32, k
            write_tensor(k, v, False)
    for k, v in outputs.items():
        write_tensor(k, v.detach().numpy(), True)
    OUT.write("end\n")


def labeled(name, kind, options, pred, label, sample_weight, loss_fn, batch_axis=0, weight=None):
    """A loss with (pred, label, sampleWeight): forward by loss_fn(p, z) -> elementwise loss, then Gluon's
    weighting and mean; the gradient with respect to pred by autograd."""
    p = t(pred, grad=True)
    z = t(label)
    per_sample = mean_except(weighting(loss_fn(p, z), weight, sample_weight), batch_axis)
    (g,) = torch.autograd.grad(per_sample.sum(), p)
    opts = {"loss": kind, "batchAxis": batch_axis}
    if weight is not None:
        opts["weight"] = repr(weight)
    opts.update(options)
    emit(name, opts, {"pred": pred, "label": label, "sampleWeight": sample_weight},
         {"loss": per_sample, "grad": g})


def pointwise_cases(rng):
    shapes = [((3, 7), 0, None), ((4, 5), 0, (4, 1)), ((2, 3, 4), 1, (3, 1)), ((5, 6), -1, (6,))]
    for shape, batch_axis, sw_shape in shapes:
        tag = "x".join(map(str, shape)) + "/batchAxis%d" % batch_axis + ("/sw" if sw_shape else "")
        for weight in (None, 0.75):
            wtag = tag + ("/w0.75" if weight is not None else "")
            sw = f32(rng, sw_shape, -1.5, 2.0) if sw_shape else None
            pred = f32(rng, shape, -3, 3)
            label = f32(rng, shape, -3, 3)
            # L2: Gluon's weight defaults to 1 and the loss is halved (mse_loss without reduction is (p - z)^2)
            labeled("L2/" + wtag, "L2", {}, pred, label, sw,
                    lambda p, z: F.mse_loss(p, z, reduction="none") / 2, batch_axis, weight)
            labeled("L1/" + wtag, "L1", {}, pred, label, sw,
                    lambda p, z: F.l1_loss(p, z, reduction="none"), batch_axis, weight)
            # Huber: PyTorch's smooth_l1_loss with beta = rho is Gluon's HuberLoss (0.5 d^2 / rho inside, d - rho / 2
            # outside; both give rho / 2 at the boundary)
            rho = float(np.float32(0.7))  # the float32 that simdloss's rho(0.7f) holds
            labeled("Huber/rho0.7/" + wtag, "Huber", {"rho": "0.7"}, pred, label, sw,
                    lambda p, z: F.smooth_l1_loss(p, z, reduction="none", beta=rho), batch_axis, weight)
            s = signs(rng, shape)
            labeled("Hinge/" + wtag, "Hinge", {}, pred, s, sw, lambda p, z: F.relu(1 - p * z), batch_axis, weight)
            labeled("SquaredHinge/margin1.5/" + wtag, "SquaredHinge", {"margin": "1.5"}, pred, s, sw,
                    lambda p, z: F.relu(1.5 - p * z) ** 2, batch_axis, weight)
            # LogisticLoss: log(1 + exp(-pred * label)), PyTorch's softplus
            labeled("Logistic/" + wtag, "Logistic", {}, pred, s, sw, lambda p, z: F.softplus(-p * z), batch_axis,
                    weight)
            z01 = f32(rng, shape, 0, 1)
            labeled("SigmoidBCE/" + wtag, "SigmoidBCE", {}, pred, z01, sw,
                    lambda p, z: F.binary_cross_entropy_with_logits(p, z, reduction="none"), batch_axis, weight)
            # from probabilities: Gluon's formula with its 1e-12 guards (PyTorch's binary_cross_entropy clamps the
            # log at -100 instead); the 1e-12 is a float32 in simdloss, as in Gluon's float32 arithmetic
            eps = float(np.float32(1e-12))
            prob = f32(rng, shape, 0.02, 0.98)
            labeled("SigmoidBCE/fromSigmoid/" + wtag, "SigmoidBCE", {"fromSigmoid": "true"}, prob, z01, sw,
                    lambda p, z: -(torch.log(p + eps) * z + torch.log(1 - p + eps) * (1 - z)), batch_axis, weight)


def softmax_cases(rng):
    # (shape, class axis, batch axis, sample-weight shape over the loss shape with the class axis kept as 1)
    layouts = [((4, 6), -1, 0, None), ((3, 10), -1, 0, (3, 1)), ((2, 5, 3), 1, 0, (2, 1, 3)),
               ((6, 2), 0, 1, (1, 2)), ((1, 10), -1, 0, None)]
    for shape, axis, batch_axis, sw_shape in layouts:
        a = axis % len(shape)
        classes = shape[a]
        tag = "x".join(map(str, shape)) + "/axis%d/batchAxis%d" % (axis, batch_axis) + ("/sw" if sw_shape else "")
        sw = f32(rng, sw_shape, -1.0, 2.0) if sw_shape else None
        pred = f32(rng, shape, -4, 4)
        loss_shape = list(shape)
        loss_shape[a] = 1
        idx = rng.integers(0, classes, size=[d for i, d in enumerate(shape) if i != a]).astype(np.float32)

        def sparse(p, z, from_logits=False):
            logp = p if from_logits else F.log_softmax(p, dim=a)
            return -torch.gather(logp, a, z.long().unsqueeze(a))

        labeled("SoftmaxCE/sparse/" + tag, "SoftmaxCE", {"axis": axis}, pred, idx, sw, sparse, batch_axis, 0.5)
        if a == 1 and batch_axis == 0:
            # the same through PyTorch's own cross_entropy (class dimension 1)
            labeled("SoftmaxCE/sparse/cross_entropy/" + tag, "SoftmaxCE", {"axis": axis}, pred, idx, sw,
                    lambda p, z: F.cross_entropy(p, z.long(), reduction="none").unsqueeze(1), batch_axis)
        labeled("SoftmaxCE/sparse/fromLogits/" + tag, "SoftmaxCE", {"axis": axis, "fromLogits": "true"},
                F.log_softmax(t(pred), dim=a).numpy().astype(np.float32), idx, sw,
                lambda p, z: sparse(p, z, True), batch_axis)
        dense = f32(rng, shape, 0, 1)
        labeled("SoftmaxCE/dense/" + tag, "SoftmaxCE", {"axis": axis, "sparseLabel": "false"}, pred, dense, sw,
                lambda p, z: -(F.log_softmax(p, dim=a) * z).sum(dim=a, keepdim=True), batch_axis)
        # KLDiv: PyTorch's kl_div(input, target) = target (log target - input); Gluon adds 1e-12 inside the log,
        # which moves the loss by about 1e-12 here (targets of at least 0.01) and not the gradient
        target = f32(rng, shape, 0.01, 1)
        sw_full = f32(rng, shape, -1.0, 2.0) if sw_shape else None
        labeled("KLDiv/fromLogits/" + tag, "KLDiv", {"axis": axis},
                F.log_softmax(t(pred), dim=a).numpy().astype(np.float32), target, sw_full,
                lambda p, z: F.kl_div(p, z, reduction="none"), batch_axis)
        labeled("KLDiv/softmax/" + tag, "KLDiv", {"axis": axis, "fromLogits": "false"}, pred, target, sw_full,
                lambda p, z: F.kl_div(F.log_softmax(p, dim=a), z, reduction="none"), batch_axis, 1.5)


def triplet_cases(rng):
    for shape, batch_axis, margin, weight in [((4, 9), 0, 1.0, None), ((3, 2, 5), 0, 0.5, 2.0),
                                              ((7, 3), 1, 4.0, None)]:
        p = f32(rng, shape, -2, 2)
        q = f32(rng, shape, -1, 1)
        r = f32(rng, shape, -1, 1)
        tp, tq, tr = t(p, True), t(q, True), t(r, True)
        b = batch_axis % len(shape)
        dims = [d for d in range(len(shape)) if d != b]
        loss = F.relu(((tp - tq) ** 2 - (tp - tr) ** 2).sum(dim=dims) + margin)
        if weight is not None:
            loss = loss * weight
        gp, gq, gr = torch.autograd.grad(loss.sum(), (tp, tq, tr))
        opts = {"loss": "Triplet", "batchAxis": batch_axis, "margin": repr(margin)}
        if weight is not None:
            opts["weight"] = repr(weight)
        name = "Triplet/" + "x".join(map(str, shape)) + "/batchAxis%d/margin%s" % (batch_axis, margin)
        emit(name, opts, {"pred": p, "positive": q, "negative": r},
             {"loss": loss, "gradPred": gp, "gradPositive": gq, "gradNegative": gr})


def ctc_cases(rng):
    # (N, T, C, labels as lists, predLengths or None, layout, zeroInfinity, sample weight or None, weight,
    # labelLengths given); with labelLengths the label is padded with 0, a class index, which the lengths exclude
    cases = [
        (2, 12, 5, [[0, 1, 2, 1], [3, 3]], None, "NTC", False, None, None, False),
        (3, 10, 4, [[2, 0], [1, 1, 1], [0]], [10, 7, 3], "TNC", False, [0.5, 2.0, 1.0], 0.75, False),
        (2, 8, 6, [[4, 2, 0, 1, 3], []], [8, 5], "NTC", False, None, None, False),
        # the second sample cannot fit its label (2 + 1 repeat > 2 frames): with zeroInfinity its loss and its
        # gradient are 0, in PyTorch as in simdloss
        (2, 6, 3, [[0, 1], [1, 1]], [6, 2], "NTC", True, None, None, False),
        (2, 9, 4, [[1, 2], [0, 0, 1]], None, "NTC", False, None, None, True),
    ]
    for n, frames, classes, labels, pred_lengths, layout, zero_inf, sw, weight, with_lengths in cases:
        width = max(1, max(len(l) for l in labels))
        label = np.full((n, width), 0.0 if with_lengths else -1.0, dtype=np.float32)
        for i, l in enumerate(labels):
            label[i, :len(l)] = l
        shape = (n, frames, classes) if layout == "NTC" else (frames, n, classes)
        pred = f32(rng, shape, -3, 3)
        tp = t(pred, True)
        ntc = tp if layout == "NTC" else tp.transpose(0, 1)
        log_probs = F.log_softmax(ntc, dim=2).transpose(0, 1)  # (T, N, C) for ctc_loss
        lengths = pred_lengths if pred_lengths is not None else [frames] * n
        targets = torch.tensor([c for l in labels for c in l], dtype=torch.long)
        loss = F.ctc_loss(log_probs, targets, torch.tensor(lengths), torch.tensor([len(l) for l in labels]),
                          blank=classes - 1, reduction="none", zero_infinity=zero_inf)
        if sw is not None:
            loss = loss * t(sw)
        if weight is not None:
            loss = loss * weight
        (g,) = torch.autograd.grad(loss.sum(), tp)
        opts = {"loss": "CTC", "layout": layout, "zeroInfinity": "true" if zero_inf else "false"}
        if weight is not None:
            opts["weight"] = repr(weight)
        name = "CTC/%s/N%dxT%dxC%d" % (layout, n, frames, classes) + ("/predLengths" if pred_lengths else "") + (
            "/zeroInfinity" if zero_inf else "") + ("/labelLengths" if with_lengths else "")
        emit(name, opts, {"pred": pred, "label": label,
                          "predLengths": np.asarray(pred_lengths, np.float32) if pred_lengths else None,
                          "labelLengths": np.asarray([len(l) for l in labels], np.float32) if with_lengths else None,
                          "sampleWeight": np.asarray(sw, np.float32) if sw else None},
             {"loss": loss, "grad": g})


def kink_cases():
    """The subgradients at the kinks, which the gradients issue asks to match PyTorch's: |x| at 0 (L1) and relu at
    0 (hinge, triplet) pin a choice, each with exactly representable inputs that land on the kink, beside points
    off it. Huber at |d| == rho and the squared hinge at 0 are smooth there (both sides give the same gradient),
    so their cases check the value at the boundary, not a choice."""
    pred = np.array([[1.0, -2.0, 0.5, -0.5, 3.0, 0.25, 1.0, -1.0]], np.float32)
    same = pred.copy()
    off_by = np.array([[1.0, -2.0, 0.0, 0.0, 2.5, -0.25, 0.5, -1.5]], np.float32)  # d = 0, 0, 0.5, -0.5, 0.5, ...
    labeled("Kinks/L1", "L1", {}, pred, np.where(np.arange(8) < 2, same, off_by).astype(np.float32), None,
            lambda p, z: F.l1_loss(p, z, reduction="none"))
    labeled("Kinks/Huber/rho0.5", "Huber", {"rho": "0.5"}, pred, off_by, None,
            lambda p, z: F.smooth_l1_loss(p, z, reduction="none", beta=0.5))
    z = np.array([[1.0, -1.0, 2.0, -2.0, 1.0, -1.0, 0.5, 4.0]], np.float32)  # p z = 1, 2, 1, 1, 3, -0.25, 0.5, -4
    labeled("Kinks/Hinge", "Hinge", {}, pred, z, None, lambda p, z: F.relu(1 - p * z))
    labeled("Kinks/SquaredHinge", "SquaredHinge", {}, pred, z, None, lambda p, z: F.relu(1 - p * z) ** 2)
    # triplet: sum((p - q)^2 - (p - r)^2) = 1 - 4 = -3 for the first sample, so margin 3 puts it on the kink;
    # the second sample is active
    p = np.array([[0.0, 0.0], [1.0, 0.0]], np.float32)
    q = np.array([[1.0, 0.0], [0.0, 0.0]], np.float32)
    r = np.array([[2.0, 0.0], [1.0, 0.0]], np.float32)
    tp, tq, tr = t(p, True), t(q, True), t(r, True)
    loss = F.relu(((tp - tq) ** 2 - (tp - tr) ** 2).sum(dim=1) + 3.0)
    gp, gq, gr = torch.autograd.grad(loss.sum(), (tp, tq, tr))
    emit("Kinks/Triplet/margin3", {"loss": "Triplet", "batchAxis": 0, "margin": "3.0"},
         {"pred": p, "positive": q, "negative": r},
         {"loss": loss, "gradPred": gp, "gradPositive": gq, "gradNegative": gr})


def large_cases():
    """Samples long enough for the vector kernels, the fused map-and-sum paths, the 1024-element chunks of the
    sample reduction (runs that cross them) and the row shortcuts' limits, and a rank-0 sample weight."""
    rng = np.random.default_rng(7)
    # one sample of 1030 crosses the first 1024-element chunk; a scalar (rank-0) sample weight
    pred = f32(rng, (1, 1030), -3, 3)
    labeled("Large/L2/1x1030/sw-scalar", "L2", {}, pred, f32(rng, (1, 1030), -3, 3), np.asarray(0.75, np.float32),
            lambda p, z: F.mse_loss(p, z, reduction="none") / 2)
    shape = (2, 128)
    pred = f32(rng, shape, -3, 3)
    labeled("Large/SquaredHinge/2x128/sw-full", "SquaredHinge", {}, pred, signs(rng, shape), f32(rng, shape, 0, 2),
            lambda p, z: F.relu(1 - p * z) ** 2)
    labeled("Large/SigmoidBCE/2x128", "SigmoidBCE", {}, pred, f32(rng, shape, 0, 1), None,
            lambda p, z: F.binary_cross_entropy_with_logits(p, z, reduction="none"))
    logits = f32(rng, (2, 200), -5, 5)
    idx = rng.integers(0, 200, size=2).astype(np.float32)
    labeled("Large/SoftmaxCE/sparse/2x200", "SoftmaxCE", {}, logits, idx, None,
            lambda p, z: F.cross_entropy(p, z.long(), reduction="none").unsqueeze(1))
    labeled("Large/SoftmaxCE/dense/2x200/sw", "SoftmaxCE", {"sparseLabel": "false"}, logits,
            f32(rng, (2, 200), 0, 0.01), f32(rng, (2, 1), 0, 2),
            lambda p, z: -(F.log_softmax(p, dim=1) * z).sum(dim=1, keepdim=True))
    labeled("Large/KLDiv/softmax/1x1030", "KLDiv", {"fromLogits": "false"}, f32(rng, (1, 1030), -4, 4),
            f32(rng, (1, 1030), 0.0001, 0.002), None,
            lambda p, z: F.kl_div(F.log_softmax(p, dim=1), z, reduction="none"))
    # a class axis before the last, long columns: (2, 40, 4) with axis 1
    labeled("Large/SoftmaxCE/sparse/2x40x4/axis1", "SoftmaxCE", {"axis": 1}, f32(rng, (2, 40, 4), -3, 3),
            rng.integers(0, 40, size=(2, 4)).astype(np.float32), None,
            lambda p, z: F.cross_entropy(p, z.long(), reduction="none").unsqueeze(1))
    # samples of 100: the vector backend sums them straight from the operands (TripletLoss.sampleSum)
    p = f32(rng, (2, 100), -2, 2)
    q = f32(rng, (2, 100), -1, 1)
    r = f32(rng, (2, 100), -1, 1)
    tp, tq, tr = t(p, True), t(q, True), t(r, True)
    loss = F.relu(((tp - tq) ** 2 - (tp - tr) ** 2).sum(dim=1) + 1.0)
    gp, gq, gr = torch.autograd.grad(loss.sum(), (tp, tq, tr))
    emit("Large/Triplet/2x100", {"loss": "Triplet", "batchAxis": 0}, {"pred": p, "positive": q, "negative": r},
         {"loss": loss, "gradPred": gp, "gradPositive": gq, "gradNegative": gr})
    # CTC with a larger alphabet: the per-frame log-sum-exp over 40 classes runs in the vector kernels
    n, frames, classes = 2, 16, 40
    labels = [[5, 17, 17, 3, 38, 0], [12, 7, 30]]
    label = np.full((n, 6), -1.0, np.float32)
    for i, l in enumerate(labels):
        label[i, :len(l)] = l
    pred = f32(rng, (n, frames, classes), -3, 3)
    tp = t(pred, True)
    loss = F.ctc_loss(F.log_softmax(tp, dim=2).transpose(0, 1), torch.tensor([c for l in labels for c in l]),
                      torch.tensor([frames] * n), torch.tensor([len(l) for l in labels]), blank=classes - 1,
                      reduction="none")
    (g,) = torch.autograd.grad(loss.sum(), tp)
    emit("Large/CTC/NTC/N2xT16xC40", {"loss": "CTC", "layout": "NTC", "zeroInfinity": "false"},
         {"pred": pred, "label": label}, {"loss": loss, "grad": g})


def main():
    OUT.write("# PyTorch %s, numpy %s: src/test/python/torch_fixtures.py (see its docstring)\n"
              % (torch.__version__, np.__version__))
    rng = np.random.default_rng(20261129)
    pointwise_cases(rng)
    softmax_cases(rng)
    triplet_cases(rng)
    ctc_cases(rng)
    kink_cases()
    large_cases()


if __name__ == "__main__":
    main()

"""The arguments of the losses, written once over a package's primitives: :class:`LossChecks` -- a loss's pair,
logits against class labels, the similarity losses' inputs, CTC's sequences and lengths."""
from .base import BaseChecks

__all__ = ["LossChecks"]


class LossChecks(BaseChecks):
    """Checks of the losses' arguments (mixed into :class:`argchecks.Checks`)."""

    def check_pair(self, y_pred, y_true):
        """Both float arrays of one dtype and exactly one shape of at least one dimension, not empty, without NaN."""
        self.check_floating(y_pred, "y_pred")
        self.check_floating(y_true, "y_true")
        self.check_same_dtype(y_pred, "y_pred", y_true, "y_true")
        self.check_min_ndim(y_pred, 1, "y_pred")
        self.check_same_shape(y_pred, "y_pred", y_true, "y_true")
        self.check_nonempty(y_pred, "y_pred")
        self.check_no_nan(y_pred, "y_pred")
        self.check_no_nan(y_true, "y_true")

    def check_logits_labels(self, y_pred, y_true):
        """(N, C) float scores without NaN and (N,) integer labels in [0, C)."""
        self.check_floating(y_pred, "y_pred")
        self.check_ndim(y_pred, 2, "y_pred")
        self.check_no_nan(y_pred, "y_pred")
        self.check_labels(y_true, y_pred.shape[-1], "y_true")
        self.check_shape(y_true, y_pred.shape[:1], "y_true", what="expected one label per row of y_pred:")

    def check_class_weights(self, class_weights, y_pred):
        """One float weight per class of the (N, C) ``y_pred``, of its dtype, without NaN."""
        self.check_floating(class_weights, "class_weights")
        self.check_same_dtype(y_pred, "y_pred", class_weights, "class_weights")
        self.check_shape(class_weights, y_pred.shape[-1:], "class_weights", what="expected one weight per class:")
        self.check_no_nan(class_weights, "class_weights")

    def check_contrastive(self, y_pred, y_true, margin):
        """Contrastive loss: a pair of (N,) distances ``y_pred`` >= 0 and similarity labels ``y_true`` in [0, 1];
        ``margin`` positive and finite."""
        self.check_pair(y_pred, y_true)
        self.check_ndim(y_pred, 1, "y_pred")
        self.check_range(y_pred, "y_pred", 0)
        self.check_range(y_true, "y_true", 0, 1)
        self.check_number(margin, "margin", low=0.0, low_open=True)

    def check_triplet(self, anchor, positive, negative, margin):
        """Triplet margin loss: three float (N, D) embeddings of one dtype and shape without NaN; ``margin``
        positive and finite."""
        self.check_floating(anchor, "anchor")
        self.check_ndim(anchor, 2, "anchor")
        for x, name in ((positive, "positive"), (negative, "negative")):
            self.check_floating(x, name)
            self.check_same_dtype(anchor, "anchor", x, name)
            self.check_same_shape(anchor, "anchor", x, name)
        for x, name in ((anchor, "anchor"), (positive, "positive"), (negative, "negative")):
            self.check_no_nan(x, name)
        self.check_number(margin, "margin", low=0.0, low_open=True)

    def check_lengths(self, lengths, n, upper, name):
        """CTC's lengths: an integer array (n,) of values in [0, ``upper``] (the padded size)."""
        self.check_integer(lengths, name, "lengths")
        self.check_shape(lengths, (n,), name, what="expected one length per sequence:")
        if n and self.readable(lengths):
            low, high = self.extrema(lengths)
            if low < 0 or high > upper:
                raise ValueError(f"{name} must lie in [0, {upper}] (the padded size), got min {low}, max {high}")

    def check_ctc(self, y_pred, y_true, pred_lengths, label_lengths, blank):
        """CTC's arguments: logits (N, T, C) without NaN, labels (N, S) in [0, C), lengths within T and S, ``blank``
        (the framework's own when not passed: the caller resolves it) a class index no used label takes. Lengths
        infeasible for CTC are NOT an error (the loss is +inf or large)."""
        self.check_floating(y_pred, "y_pred")
        self.check_ndim(y_pred, 3, "y_pred")
        self.check_no_nan(y_pred, "y_pred")
        n, t, c = y_pred.shape
        self.check_labels(y_true, c, "y_true")
        self.check_ndim(y_true, 2, "y_true")
        self.check_shape(y_true, (n, y_true.shape[1]), "y_true", what="expected one label row per sequence:")
        self.check_lengths(pred_lengths, n, t, "pred_lengths")
        self.check_lengths(label_lengths, n, y_true.shape[1], "label_lengths")
        self.check_number(blank, "blank", low=0, high=c, high_open=True, integer=True)
        readable = self.readable(y_true) and self.readable(label_lengths)
        if readable and self.holds_within(y_true, label_lengths, blank):
            raise ValueError(f"y_true holds the blank index {blank} inside label_lengths")

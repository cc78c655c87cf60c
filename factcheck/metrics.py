"""Agreement with gold labels: what `factcheck pairs` reports on a labelled file, and what the
benchmarks (bench/) report on theirs."""

from __future__ import annotations


def scores(gold: list[str], predicted: list[str], labels: tuple[str, ...]) -> dict:
    """Accuracy, macro-F1 over `labels`, per-class recall and the confusion matrix."""
    total = len(gold)
    accuracy = sum(g == p for g, p in zip(gold, predicted)) / total if total else 0.0
    f1s, recalls = {}, {}
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, predicted))
        fp = sum(p == label and g != label for g, p in zip(gold, predicted))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1s[label] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        recalls[label] = recall
    present = [l for l in labels if l in gold]
    macro = sum(f1s[l] for l in present) / len(present) if present else 0.0
    confusion = {g: {p: sum(1 for a, b in zip(gold, predicted) if a == g and b == p) for p in labels}
                 for g in labels}
    return {"n": total, "accuracy": round(accuracy, 4), "macro_f1": round(macro, 4),
            "recall": {k: round(v, 4) for k, v in recalls.items()}, "confusion": confusion}

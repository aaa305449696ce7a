"""The packages benchmark runs at its quick size: packages made, every label merged back."""

from benchmarks.packages import run


def test_the_quick_packages_benchmark_makes_and_merges_every_label(tmp_path):
    make, merge = run(tmp_path, quick=True)
    assert (make.name, merge.name) == ("make 10 packages", "merge 10 packages back")
    assert make.baseline and make.value > 0 and merge.value > 0
    assert merge.note == "4,000 labels came back"  # 2,000 articles, each in two packages

// ThinnedHistory: a bounded record of how something changed over a training run, as (step, value) pairs: at most
// capacity() of them however long the run goes, spread evenly over the steps seen so far. The translator lab keeps
// weight copies in one, so its "training so far" slider can replay how the attention map of any input changed.
//
//   ThinnedHistory<std::shared_ptr<const Translator<float>>> h(150);
//   h.add(step, model);                    // every snapshot; cheap (a shared pointer moves)
//   h.at(h.nearest(1200)).value;           // the weights closest to step 1200
//
// How it stays bounded: entries are kept at least spacing() steps apart, except the newest, which is always kept
// (an add replaces it while it is closer than spacing() to the entry before it). When the store outgrows its
// capacity, every second of the older entries goes (the first one stays) and the spacing doubles, so old and new
// stretches of the run stay equally dense. Qt-free and header-only.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace unroll {

template <class V> class ThinnedHistory {
public:
    struct Entry {
        std::int64_t step = 0;
        V value{};
    };

    explicit ThinnedHistory(std::size_t capacity = 150) : capacity_(std::max<std::size_t>(capacity, 3)) {}

    // step: >= the newest entry's step (a smaller one starts the history again; an equal one replaces its value).
    void add(std::int64_t step, V value)
    {
        if (!entries_.empty() && step < entries_.back().step) clear();
        if (!entries_.empty() && step == entries_.back().step) {
            entries_.back().value = std::move(value);
            return;
        }
        // The newest entry stays only once it is spacing() past the one before it; until then the next one
        // takes its place.
        const std::size_t n = entries_.size();
        if (n >= 2 && entries_.back().step - entries_[n - 2].step < spacing_)
            entries_.back() = {step, std::move(value)};
        else
            entries_.push_back({step, std::move(value)});
        if (entries_.size() > capacity_) thin();
    }

    void clear()
    {
        entries_.clear();
        spacing_ = 1;
    }

    std::size_t size() const { return entries_.size(); }
    bool empty() const { return entries_.empty(); }
    std::size_t capacity() const { return capacity_; }
    std::int64_t spacing() const { return spacing_; }
    const Entry& at(std::size_t i) const { return entries_.at(i); }
    const Entry& back() const { return entries_.back(); }
    const std::vector<Entry>& entries() const { return entries_; }

    // The index of the entry whose step is nearest to step (the earlier one on a tie); 0 when empty.
    std::size_t nearest(std::int64_t step) const
    {
        if (entries_.empty()) return 0;
        const auto it = std::lower_bound(entries_.begin(), entries_.end(), step,
                                         [](const Entry& e, std::int64_t s) { return e.step < s; });
        if (it == entries_.begin()) return 0;
        if (it == entries_.end()) return entries_.size() - 1;
        const auto before = it - 1;
        return std::size_t((step - before->step <= it->step - step ? before : it) - entries_.begin());
    }

private:
    void thin()
    {
        // Keep entries 0, 2, 4, … of all but the newest, then the newest.
        std::vector<Entry> kept;
        kept.reserve(entries_.size() / 2 + 2);
        for (std::size_t i = 0; i + 1 < entries_.size(); i += 2) kept.push_back(std::move(entries_[i]));
        kept.push_back(std::move(entries_.back()));
        entries_ = std::move(kept);
        spacing_ *= 2;
    }

    std::vector<Entry> entries_;
    std::size_t capacity_;
    std::int64_t spacing_ = 1;
};

} // namespace unroll

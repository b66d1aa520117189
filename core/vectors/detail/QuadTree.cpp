// The Barnes-Hut quad-tree: build and grouped walk; see QuadTree.hpp.
#include "vectors/detail/QuadTree.hpp"

#include <algorithm>
#include <cstddef>

namespace unroll::vectors::detail {

namespace {

// Lanes of the interaction sums: each point's sums are kept in kLanes partial sums added in a fixed order, a loop
// shape the compiler turns into vector code without being allowed to reorder anything (no -ffast-math).
constexpr int kLanes = 8;

// One group's interaction list, structure of arrays, padded to a multiple of kLanes with zero-weight entries.
struct InteractionList {
    std::vector<double> x, y, w;
    std::size_t size = 0;
    void clear() { size = 0; }
    void add(double px, double py, double weight)
    {
        if (size == x.size()) {
            const std::size_t grown = std::max<std::size_t>(256, 2 * x.size());
            x.resize(grown);
            y.resize(grown);
            w.resize(grown);
        }
        x[size] = px;
        y[size] = py;
        w[size] = weight;
        ++size;
    }
    void pad()
    {
        while (size % kLanes != 0) add(0, 0, 0);
    }
};

} // namespace

void QuadTree::build(const double* y, std::int32_t n)
{
    nodes_.clear();
    groups_.clear();
    px_.resize(std::size_t(n));
    py_.resize(std::size_t(n));
    idx_.resize(std::size_t(n));
    if (n == 0) return;
    double x0 = y[0], x1 = y[0], y0 = y[1], y1 = y[1];
    for (std::int32_t i = 0; i < n; ++i) {
        const double px = y[2 * i], py = y[2 * i + 1];
        x0 = std::min(x0, px);
        x1 = std::max(x1, px);
        y0 = std::min(y0, py);
        y1 = std::max(y1, py);
        idx_[std::size_t(i)] = i;
    }
    // The build partitions the slots; positions are read through the original array meanwhile.
    ys_ = y;
    buildNode(0, n, x0, y0, x1, y1, 0);
    for (std::int32_t s = 0; s < n; ++s) {
        px_[std::size_t(s)] = y[2 * idx_[std::size_t(s)]];
        py_[std::size_t(s)] = y[2 * idx_[std::size_t(s)] + 1];
    }
    for (std::int32_t k = 0; k < std::int32_t(nodes_.size());) {
        if (nodes_[std::size_t(k)].count <= kGroupSize) {
            groups_.push_back(k);
            k = nodes_[std::size_t(k)].next;
        } else {
            ++k;
        }
    }
}

void QuadTree::buildNode(std::int32_t begin, std::int32_t end, double x0, double y0, double x1, double y1, int depth)
{
    const std::int32_t self = std::int32_t(nodes_.size());
    nodes_.emplace_back();
    const double w = std::max(x1 - x0, y1 - y0);
    const std::int32_t count = end - begin;
    double sx = 0, sy = 0;
    const double* y = ys_;
    if (count <= kLeafSize || depth >= kMaxDepth) {
        for (std::int32_t t = begin; t < end; ++t) {
            sx += y[2 * idx_[std::size_t(t)]];
            sy += y[2 * idx_[std::size_t(t)] + 1];
        }
    } else {
        // Split at the centre: lower y first, then lower x within each half (a fixed order of the quadrants, so the
        // tree, and every sum over it, depends only on the positions).
        const double mx = 0.5 * (x0 + x1), my = 0.5 * (y0 + y1);
        std::int32_t* p = idx_.data();
        std::int32_t* m = std::partition(p + begin, p + end, [&](std::int32_t i) { return y[2 * i + 1] < my; });
        std::int32_t* a = std::partition(p + begin, m, [&](std::int32_t i) { return y[2 * i] < mx; });
        std::int32_t* b = std::partition(m, p + end, [&](std::int32_t i) { return y[2 * i] < mx; });
        const std::int32_t cuts[5] = {begin, std::int32_t(a - p), std::int32_t(m - p), std::int32_t(b - p), end};
        const double cx0[4] = {x0, mx, x0, mx}, cx1[4] = {mx, x1, mx, x1};
        const double cy0[4] = {y0, y0, my, my}, cy1[4] = {my, my, y1, y1};
        for (int c = 0; c < 4; ++c) {
            if (cuts[c + 1] == cuts[c]) continue;
            const std::int32_t child = std::int32_t(nodes_.size());
            buildNode(cuts[c], cuts[c + 1], cx0[c], cy0[c], cx1[c], cy1[c], depth + 1);
            const Node& cn = nodes_[std::size_t(child)];
            sx += cn.cx * cn.count;
            sy += cn.cy * cn.count;
        }
    }
    Node& nd = nodes_[std::size_t(self)];
    nd.cx = sx / count;
    nd.cy = sy / count;
    nd.widthSq = w * w;
    nd.count = count;
    nd.begin = begin;
    nd.next = std::int32_t(nodes_.size());
}

void QuadTree::groupRepulsion(std::int32_t g, double thetaSq, double* force, double* z) const
{
    thread_local InteractionList list;
    list.clear();
    const std::int32_t root = groups_[std::size_t(g)];
    const Node& group = nodes_[std::size_t(root)];
    const std::int32_t gb = group.begin, ge = group.begin + group.count;
    double bx0 = px_[std::size_t(gb)], bx1 = bx0, by0 = py_[std::size_t(gb)], by1 = by0;
    for (std::int32_t s = gb + 1; s < ge; ++s) {
        bx0 = std::min(bx0, px_[std::size_t(s)]);
        bx1 = std::max(bx1, px_[std::size_t(s)]);
        by0 = std::min(by0, py_[std::size_t(s)]);
        by1 = std::max(by1, py_[std::size_t(s)]);
    }

    const Node* nodes = nodes_.data();
    const std::int32_t end = std::int32_t(nodes_.size());
    for (std::int32_t k = 0; k < end;) {
        const Node& nd = nodes[k];
        if (k == root) { // the group itself: every point, one by one
            for (std::int32_t s = gb; s < ge; ++s) list.add(px_[std::size_t(s)], py_[std::size_t(s)], 1.0);
            k = nd.next;
            continue;
        }
        const bool holdsGroup = nd.begin <= gb && ge <= nd.begin + nd.count;
        if (!holdsGroup) {
            // Distance from the centre of mass to the nearest point of the group's bounding box.
            const double dx = std::max({0.0, bx0 - nd.cx, nd.cx - bx1});
            const double dy = std::max({0.0, by0 - nd.cy, nd.cy - by1});
            if (nd.widthSq < thetaSq * (dx * dx + dy * dy)) {
                list.add(nd.cx, nd.cy, double(nd.count));
                k = nd.next;
                continue;
            }
            if (nd.next == k + 1) { // a leaf that cannot be summarised: its points
                for (std::int32_t s = nd.begin; s < nd.begin + nd.count; ++s)
                    list.add(px_[std::size_t(s)], py_[std::size_t(s)], 1.0);
                k = nd.next;
                continue;
            }
        }
        ++k;
    }
    list.pad();

    const double* lx = list.x.data();
    const double* ly = list.y.data();
    const double* lw = list.w.data();
    const std::size_t m = list.size;
    for (std::int32_t s = gb; s < ge; ++s) {
        const double x = px_[std::size_t(s)], y = py_[std::size_t(s)];
        double az[kLanes] = {}, ax[kLanes] = {}, ay[kLanes] = {};
        for (std::size_t t = 0; t < m; t += kLanes) {
            for (int l = 0; l < kLanes; ++l) {
                const double dx = x - lx[t + l], dy = y - ly[t + l];
                const double q = 1.0 / (1.0 + dx * dx + dy * dy);
                const double wq = lw[t + l] * q;
                az[l] += wq;
                ax[l] += wq * q * dx;
                ay[l] += wq * q * dy;
            }
        }
        double sz = 0, sx = 0, sy = 0;
        for (int l = 0; l < kLanes; ++l) {
            sz += az[l];
            sx += ax[l];
            sy += ay[l];
        }
        const std::int32_t i = idx_[std::size_t(s)];
        force[2 * i] = sx;
        force[2 * i + 1] = sy;
        z[i] = sz - 1.0; // the point's own term
    }
}

} // namespace unroll::vectors::detail

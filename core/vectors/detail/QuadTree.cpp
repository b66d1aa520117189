// The Barnes-Hut quad-tree's build; see QuadTree.hpp.
#include "vectors/detail/QuadTree.hpp"

#include <algorithm>

namespace unroll::vectors::detail {

void QuadTree::build(const double* y, std::int32_t n)
{
    points_.resize(std::size_t(n));
    nodes_.clear();
    if (n == 0) return;
    double x0 = y[0], x1 = y[0], y0 = y[1], y1 = y[1];
    for (std::int32_t i = 0; i < n; ++i) {
        const double px = y[2 * i], py = y[2 * i + 1];
        points_[std::size_t(i)] = {px, py, i};
        x0 = std::min(x0, px);
        x1 = std::max(x1, px);
        y0 = std::min(y0, py);
        y1 = std::max(y1, py);
    }
    buildNode(0, n, x0, y0, x1, y1, 0);
}

void QuadTree::buildNode(std::int32_t begin, std::int32_t end, double x0, double y0, double x1, double y1, int depth)
{
    const std::int32_t self = std::int32_t(nodes_.size());
    nodes_.emplace_back();
    const double w = std::max(x1 - x0, y1 - y0);
    const std::int32_t count = end - begin;
    double sx = 0, sy = 0;
    if (count <= kLeafSize || depth >= kMaxDepth) {
        for (std::int32_t t = begin; t < end; ++t) {
            sx += points_[std::size_t(t)].x;
            sy += points_[std::size_t(t)].y;
        }
    } else {
        // Split at the centre: lower y first, then lower x within each half (the quadrants' order is fixed, so the
        // tree, and every sum over it, depends only on the positions).
        const double mx = 0.5 * (x0 + x1), my = 0.5 * (y0 + y1);
        Point* p = points_.data();
        Point* m = std::partition(p + begin, p + end, [my](const Point& a) { return a.y < my; });
        Point* a = std::partition(p + begin, m, [mx](const Point& q) { return q.x < mx; });
        Point* b = std::partition(m, p + end, [mx](const Point& q) { return q.x < mx; });
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

} // namespace unroll::vectors::detail

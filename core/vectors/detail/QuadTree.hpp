// The quad-tree of Barnes-Hut t-SNE (van der Maaten 2014, section 4.2): the repulsive forces of all points on one
// point, with every cell that is small and far enough from it summarised by its centre of mass. Private to Tsne.cpp.
//
//   QuadTree tree;
//   tree.build(y, n);                             // y: n interleaved positions x0 y0 x1 y1 …; rebuilt every iteration
//   for (slot s …) tree.repulsion(s, theta * theta, fx, fy, z);   // point tree.index(s); any thread
//
// The summary condition is scikit-learn's (and the paper's r_cell / ||y_i - y_cell|| < theta): the squared largest
// side of the cell over the squared distance to its centre of mass below theta². Cells are split at their centre,
// starting from the bounding rectangle of the points, as scikit-learn does, so theta means the same on both sides.
// Two differences, both towards the exact gradient: a leaf holds up to kLeafSize points, and a leaf that fails the
// condition is summed point by point; and a cell that contains the point itself is never summarised (with theta
// above ~0.7 a cell can pass the test while holding the point, adding a spurious self-interaction).
//
// Layout, for speed: nodes in one array in depth-first pre-order, so the first child of a node is the next node and
// `next` skips a whole subtree; the traversal is one loop with no stack and no recursion. The points are copied in
// tree order (the points of every subtree are contiguous), so a leaf reads consecutive memory and neighbouring
// slots, which are near each other in the plane, walk nearly the same nodes. Storage is reused between builds: no
// allocation per iteration once the sizes have settled.
#pragma once

#include <cstdint>
#include <vector>

namespace unroll::vectors::detail {

class QuadTree {
public:
    static constexpr std::int32_t kLeafSize = 4;
    static constexpr int kMaxDepth = 60; // then a leaf whatever its size (only coincident points get there)

    struct Node {
        double cx = 0, cy = 0;   // centre of mass
        double widthSq = 0;      // squared largest side of the cell
        std::int32_t count = 0;  // points in the subtree
        std::int32_t begin = 0;  // its first point (slot) in tree order
        std::int32_t next = 0;   // the node after this subtree; a leaf has next == its own index + 1
        std::int32_t pad = 0;
    };
    struct Point {
        double x, y;
        std::int32_t index; // the point's row
    };

    void build(const double* y, std::int32_t n);

    std::int32_t size() const { return std::int32_t(points_.size()); }
    std::int32_t index(std::int32_t slot) const { return points_[std::size_t(slot)].index; }
    const Point& point(std::int32_t slot) const { return points_[std::size_t(slot)]; }

    // Adds to (fx, fy) the sum over the other points j of q_ij^2 Z^2 (y_i - y_j) and to z the sum of q_ij Z
    // (= 1 / (1 + |y_i - y_j|^2)), approximated as described above, for the point in `slot`.
    void repulsion(std::int32_t slot, double thetaSq, double& fx, double& fy, double& z) const
    {
        const Point self = points_[std::size_t(slot)];
        const Node* nodes = nodes_.data();
        const Point* pts = points_.data();
        const std::int32_t end = std::int32_t(nodes_.size());
        double ax = 0, ay = 0, az = 0;
        std::int32_t k = 0;
        while (k < end) {
            const Node& nd = nodes[k];
            const double dx = self.x - nd.cx, dy = self.y - nd.cy;
            const double d2 = dx * dx + dy * dy;
            const bool holdsSelf = std::uint32_t(slot - nd.begin) < std::uint32_t(nd.count);
            if (!holdsSelf && nd.widthSq < thetaSq * d2) {
                const double q = 1.0 / (1.0 + d2);
                const double mq = double(nd.count) * q;
                az += mq;
                ax += mq * q * dx;
                ay += mq * q * dy;
                k = nd.next;
            } else if (nd.next == k + 1) {
                for (std::int32_t t = nd.begin, stop = nd.begin + nd.count; t < stop; ++t) {
                    if (t == slot) continue;
                    const double ex = self.x - pts[t].x, ey = self.y - pts[t].y;
                    const double q = 1.0 / (1.0 + ex * ex + ey * ey);
                    az += q;
                    ax += q * q * ex;
                    ay += q * q * ey;
                }
                k = nd.next;
            } else {
                ++k;
            }
        }
        fx += ax;
        fy += ay;
        z += az;
    }

private:
    // Builds the subtree of points_[begin, end) in the given cell; returns its node index.
    void buildNode(std::int32_t begin, std::int32_t end, double x0, double y0, double x1, double y1, int depth);

    std::vector<Node> nodes_;
    std::vector<Point> points_;
};

} // namespace unroll::vectors::detail

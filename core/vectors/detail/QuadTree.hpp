// The quad-tree of Barnes-Hut t-SNE (van der Maaten 2014, section 4.2): the repulsive forces of all points on each
// point, with every cell that is small and far enough summarised by its centre of mass. Private to Tsne.cpp.
//
//   QuadTree tree;
//   tree.build(y, n);                  // y: n interleaved positions x0 y0 x1 y1 …; rebuilt every iteration
//   parallelFor(tree.groups(), [&](b, e) { for (g …) tree.groupRepulsion(g, theta * theta, out); });
//   // out[2 i], out[2 i + 1]: sum_j q_ij^2 Z^2 (y_i - y_j) of point i; z(i): sum_j q_ij Z
//
// The summary condition is the paper's and scikit-learn's: a cell is summarised for a point when the squared largest
// side of the cell over the squared distance from the point to the cell's centre of mass is below theta^2. Cells are
// split at their centre, starting from the bounding rectangle of the points, as in scikit-learn, so theta means the
// same on both sides.
//
// Speed: the walk is done once per *group* of nearby points (the points of a subtree of at most kGroupSize points)
// rather than once per point (Barnes 1990's grouping). A cell is summarised for the group when the condition holds
// for the point of the group's bounding box nearest to the centre of mass, hence for every point of the group: the
// result is at least as accurate as the per-point walk with the same theta (cells are only ever opened more). The walk
// yields an interaction list (centres of mass with their counts, and single points), and every point of the group
// sums over that list in a branch-free loop the compiler vectorises. Walking per point spends its time in
// mispredicted branches (about 150 cells for 10,000 points); the list costs one pass of arithmetic per entry.
// Leaves hold up to kLeafSize points, added to the list one by one when the leaf is not summarised. The group's own
// points are in its list, each point included; its own term (distance 0: q = 1, no force) is subtracted from z.
//
// Layout: nodes in one array in depth-first pre-order (the first child of a node is the next node, `next` skips the
// subtree), so a walk is one loop with no stack. The points are copied in tree order, so a subtree's points are
// contiguous. Storage is reused between builds: no allocation per iteration once the sizes have settled.
// Determinism: the tree, the lists and every sum depend only on the positions (not on the thread running them).
#pragma once

#include <cstdint>
#include <vector>

namespace unroll::vectors::detail {

class QuadTree {
public:
    static constexpr std::int32_t kLeafSize = 8;
    static constexpr std::int32_t kGroupSize = 16;
    static constexpr int kMaxDepth = 60; // then a leaf whatever its size (only coincident points get there)

    struct Node {
        double cx = 0, cy = 0;  // centre of mass
        double widthSq = 0;     // squared largest side of the cell
        std::int32_t count = 0; // points in the subtree
        std::int32_t begin = 0; // its first point (slot) in tree order
        std::int32_t next = 0;  // the node after this subtree; a leaf has next == its own index + 1
        std::int32_t pad = 0;
    };

    void build(const double* y, std::int32_t n);

    std::int32_t groups() const { return std::int32_t(groups_.size()); }

    // For every point i of group g: force[2 i], force[2 i + 1] = sum over j != i of (1 + d_ij^2)^-2 (y_i - y_j) and
    // z[i] = sum over j != i of (1 + d_ij^2)^-1, the far cells summarised as described above. Thread-safe for
    // distinct groups.
    void groupRepulsion(std::int32_t g, double thetaSq, double* force, double* z) const;

private:
    void buildNode(std::int32_t begin, std::int32_t end, double x0, double y0, double x1, double y1, int depth);

    std::vector<Node> nodes_;
    std::vector<double> px_, py_;   // positions in tree order
    std::vector<std::int32_t> idx_; // the row of each slot
    std::vector<std::int32_t> groups_; // node index of each group
    const double* ys_ = nullptr;       // the positions being built from (build only)
};

} // namespace unroll::vectors::detail

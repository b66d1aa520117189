// The course's operations on word vectors (Operations on word vectors and debiasing; Bolukbasi et al. 2016), on the
// vectors as loaded: the course's formulas on raw vectors, normalised only inside a cosine. An unknown word is an
// InputError naming it.
//
//   cosineSimilarity(v.vector("father"), v.vector("mother"))          // 0.890903844289 on glove.6B.50d
//   analogy(v, "man", "woman", "boy", 5)                               // [{girl, …}, …] best first
//   nearestNeighbors(v, v.vector("king"), 10, Metric::Cosine, {v.indexOf("king")})
//   Eigen::VectorXd g = v.vector("woman") - v.vector("man");
//   neutralize(v.vector("receptionist"), g)                            // its cosine with g is now ~1e-17
//   auto [e1, e2] = equalize(v.vector("man"), v.vector("woman"), g);  // cosines -0.7004364289, +0.7004364289
//
// Scans over every word run on a normalised float copy (NeighborIndex, built once per WordVectors), split over the
// thread pool, with a partial sort for the top k.
#pragma once

#include "vectors/WordVectors.hpp"

#include <Eigen/Core>

#include <string_view>
#include <utility>
#include <vector>

namespace unroll::vectors {

struct Scored {
    Index index = -1;
    double score = 0;
};

double cosineSimilarity(const Eigen::VectorXd& u, const Eigen::VectorXd& v);

enum class Metric { Cosine, Euclidean }; // Euclidean scores are distances (smaller first)
inline constexpr const char* metricIds[] = {"cosine", "euclidean"};

// The k words nearest to `query`, best first, skipping the rows in `exclude`.
std::vector<Scored> nearestNeighbors(const WordVectors& v, const Eigen::VectorXd& query, int k,
                                     Metric metric = Metric::Cosine, const std::vector<Index>& exclude = {});

// a : b :: c : ?  The top `top` candidates (a, b and c skipped), best first.
//   Course  : argmax_w cos(e_b - e_a, e_w - e_c)                              (complete_analogy; the default)
//   CosAdd  : argmax_w cos(e_w, e_b - e_a + e_c) on unit vectors             (Levy & Goldberg 2014, 3CosAdd)
//   CosMul  : argmax_w cos'(w,b) cos'(w,c) / (cos'(w,a) + 1e-3), cos' = (cos+1)/2 (3CosMul)
enum class AnalogyRule { Course, CosAdd, CosMul };
inline constexpr const char* analogyRuleIds[] = {"course", "3cosadd", "3cosmul"};
std::vector<Scored> analogy(const WordVectors& v, std::string_view a, std::string_view b, std::string_view c,
                            int top = 1, AnalogyRule rule = AnalogyRule::Course);

// Bias directions: g = e_a - e_b (the course: woman - man), or the first principal component of the differences of
// several pairs (Bolukbasi et al.), oriented like the first pair's difference.
Eigen::VectorXd pairDirection(const WordVectors& v, std::string_view a, std::string_view b);
Eigen::VectorXd principalDirection(const WordVectors& v,
                                   const std::vector<std::pair<std::string, std::string>>& pairs);

// The course's neutralize: e - (e.g / |g|^2) g.
Eigen::VectorXd neutralize(const Eigen::VectorXd& e, const Eigen::VectorXd& g);

// The course's equalize (course notebook; its formula differs from the paper's) and the paper's (Bolukbasi et al.
// 2016, with unit-normalised vectors). Returns the two new vectors.
enum class EqualizeRule { Course, Paper };
inline constexpr const char* equalizeRuleIds[] = {"course", "paper"};
std::pair<Eigen::VectorXd, Eigen::VectorXd> equalize(const Eigen::VectorXd& e1, const Eigen::VectorXd& e2,
                                                     const Eigen::VectorXd& g,
                                                     EqualizeRule rule = EqualizeRule::Course);

} // namespace unroll::vectors

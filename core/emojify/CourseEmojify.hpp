// The Emojify notebooks' toy tests of sentence_to_avg and sentences_to_indices (course §5.2, §5.3), run on
// emojify/EmojifyData for `unroll-cli course-examples`:
//   sentence_to_avg       the toy map a = [3, 3], a_nw = [2, 4], a_s = [3, 2], c_w = [−3, 1], c_nw = [−3, 2],
//                         c_se = [−1, 0], …: "a a_nw c_w a_s" → [1.25, 2.5] (avg_1), "love" → [0, 0] (avg_2),
//                         "c_se foo a a_nw c_w a_s deeplearning c_nw" → [0.16666667, 2.0] (avg_3)
//   sentences_to_indices  vocabulary i, like, learning, deep, machine, love, smile, ´0.= indexed 0–7, max_len 4:
//                         X1_indices = [[0, 1, 3, 2], [3, 7, 5, 4], [4, 2, 6, 0]]
#pragma once

#include "course/CourseExamples.hpp"

#include <vector>

namespace unroll {

std::vector<CourseExample> runEmojifyExamples();

} // namespace unroll

// The course's trigger-word functions on the notebook's own cases (`unroll-cli course-examples`): is_overlapping on
// the notebook's and the grader's segments, insert_ones (arr1[0][1333], [634], [635] = 0, 1, 0 after inserting at
// 9700 and 4251 ms), and insert_audio_clip with np.random.seed(5) for a 916 ms clip (the course's activates[0]:
// segment (2254, 3169) with [(3790, 4400)] already taken; (7286, 8201) with [(0, 4400)]; (10000, 10000) with
// [(0, 9999)]).
#pragma once

#include "course/CourseExamples.hpp"

#include <vector>

namespace unroll {

std::vector<CourseExample> runTriggerExamples();

} // namespace unroll

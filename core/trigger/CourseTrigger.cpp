// The "Trigger word detection" notebook's tests of is_overlapping, insert_audio_clip and insert_ones, run on our
// Synthesis functions; see CourseTrigger.hpp. insert_audio_clip's segment depends only on the clip's length in
// milliseconds and the random stream, so a silent 916 ms clip (the length of the course's activates[0]) on a silent
// 10 s background at 44.1 kHz stands in for the course's recordings.
#include "trigger/CourseTrigger.hpp"

#include "math/Rng.hpp"
#include "trigger/Synthesis.hpp"

#include <string>

namespace unroll {

namespace {

const char* pythonBool(bool b) { return b ? "True" : "False"; }
// Appended piecewise: "(" + std::to_string(…) trips GCC 12's -Wrestrict false positive.
std::string tupleText(Segment s)
{
    std::string t = "(";
    t += std::to_string(s.startMs);
    t += ", ";
    t += std::to_string(s.endMs);
    t += ')';
    return t;
}

CourseExample isOverlappingExample()
{
    struct Case {
        Segment segment;
        std::vector<Segment> previous;
    };
    // The notebook's two calls, then the grader's five.
    const std::vector<Case> cases = {
        {{950, 1430}, {{2000, 2550}, {260, 949}}},
        {{2305, 2950}, {{824, 1532}, {1900, 2305}, {3424, 3656}}},
        {{670, 1430}, {}},
        {{500, 1000}, {{100, 499}, {1001, 1100}}},
        {{750, 1250}, {{100, 750}, {1001, 1100}}},
        {{750, 1250}, {{300, 600}, {1250, 1500}}},
        {{750, 1250}, {{300, 600}, {600, 1500}, {1600, 1800}}},
    };
    NdArray overlap{{std::int64_t(cases.size())}, {}, true};
    CourseExample ex{"is_overlapping", {}, {}};
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const bool o = isOverlapping(cases[i].segment, cases[i].previous);
        overlap.data.push_back(o ? 1.0 : 0.0);
        if (i < 2) { // print("Overlap 1 = ", overlap1)
            std::string line = "Overlap ";
            line += std::to_string(i + 1);
            line += " =  ";
            line += pythonBool(o);
            ex.printed.push_back(line);
        }
    }
    std::string grader = "grader:";
    for (std::size_t i = 2; i < cases.size(); ++i) {
        grader += ' ';
        grader += pythonBool(overlap.data[i] != 0);
    }
    ex.printed.push_back(grader);
    ex.arrays.emplace_back("overlap", std::move(overlap));
    return ex;
}

CourseExample insertAudioClipExample()
{
    // np.random.seed(5); insert_audio_clip(backgrounds[0], activates[0], previous) for three `previous` lists: the
    // notebook's [(3790, 4400)] and the grader's [(0, 4400)] and [(0, 9999)].
    const std::vector<std::vector<Segment>> previous = {{{3790, 4400}}, {{0, 4400}}, {{0, 9999}}};
    const AudioClip activate = silence(0.916, kLabRate); // 916 ms, as len(activates[0])
    NdArray segments{{std::int64_t(previous.size()), 2}, {}, true};
    CourseExample ex{"insert_audio_clip", {}, {}};
    for (std::vector<Segment> prev : previous) {
        Rng rng(5);
        AudioClip background = silence(kCourseClipMs / 1000.0, kLabRate);
        const Segment s = insertAudioClip(background, activate, prev, rng);
        segments.data.push_back(s.startMs);
        segments.data.push_back(s.endMs);
        ex.printed.push_back("Segment Time:  " + tupleText(s)); // print("Segment Time: ", segment_time)
    }
    ex.arrays.emplace_back("segment_time", std::move(segments));
    return ex;
}

CourseExample insertOnesExample()
{
    // arr1 = insert_ones(np.zeros((1, Ty)), 9700); insert_ones(arr1, 4251); print("sanity checks:", arr1[0][1333], …)
    std::vector<float> y(kCourseTy, 0.0f);
    insertOnes(y, 9700);
    insertOnes(y, 4251);
    NdArray arr1{{1, kCourseTy}, std::vector<double>(y.begin(), y.end())};
    CourseExample ex{"insert_ones", {}, {}};
    ex.printed.push_back("sanity checks: " + numpyScalarString(arr1.at({0, 1333})) + " " +
                         numpyScalarString(arr1.at({0, 634})) + " " + numpyScalarString(arr1.at({0, 635})));
    ex.arrays.emplace_back("arr1", std::move(arr1));
    return ex;
}

} // namespace

std::vector<CourseExample> runTriggerExamples()
{
    return {isOverlappingExample(), insertAudioClipExample(), insertOnesExample()};
}

} // namespace unroll

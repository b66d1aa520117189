// unroll-cli's command registry. Every command file registers what it offers with an object of static storage, so a
// new lab adds app/cli/<Lab>Commands.cpp (and its line in app/CMakeLists.txt) and touches no other lab's file and no
// central table:
//
//   static const LabCommands reg{{.lab = "charlm", .title = "character language model", .train = trainCharlm,
//                                 .benches = {{"charlm-course", "the course's loop", benchCourse}},
//                                 .verbs = {{"sample", "sample text", runSample}, {"eval", "score a text", runEval}}}};
//   static const GeneralCommand reg{{"gradcheck", "check every backward pass", runGradcheck}};
//   static const Benchmark reg{{"rnn", "training throughput", benchRnn}};
//
// Command lines (dispatch):  unroll-cli train <lab> …   unroll-cli bench <what> …   unroll-cli <lab> <verb> …
//                            unroll-cli <verb> …  (when exactly one lab has that verb)   unroll-cli <command> …
// A command's run function receives the words that chose it joined as args[0] ("unroll-cli bench rnn"), then the rest.
//
// The registrations run during static initialisation, before main(); registry() is a function-local static, so it
// exists before the first registration whatever the order of the files. The command files are compiled into the
// executable itself, not into a static library, so the linker keeps every one of them (an object file in a static
// library that nothing references would be dropped, and its command with it); tst_cli checks that --help lists them all.
// A name registered twice cannot be reported during static initialisation; conflicts() lists it and dispatch() exits
// with an internal error before running anything.
#pragma once

#include <QString>
#include <QStringList>

#include <vector>

namespace unroll::cli {

using RunFunction = int (*)(const QStringList& args);

struct Command {
    QString name;    // "gradcheck", "rnn" (bench rnn), "sample"
    QString summary; // one line for the help listings
    RunFunction run = nullptr;
};

// What one lab offers on the command line.
struct Lab {
    QString lab;                 // "charlm": the word after `train` and the lab's namespace (`unroll-cli charlm eval`)
    QString title;               // one line for `unroll-cli train --help`
    RunFunction train = nullptr; // `unroll-cli train <lab>`; none for a lab without training
    std::vector<Command> benches; // `unroll-cli bench <name>`; bench names are unique across labs
    std::vector<Command> verbs;   // `unroll-cli <lab> <verb>`, or `unroll-cli <verb>` when no other lab has the verb
    // `unroll-cli <lab> [options] [args]` when the word after the lab is none of its verbs (the Emojify lab's
    // `unroll-cli emojify --model M "i love you"`); none: the lab needs a verb.
    RunFunction run = nullptr;
    QString runSummary = {};      // one line for the help listings
};

class Registry {
public:
    void addLab(Lab lab); // a lab registered by several files gets the union of their verbs and benches
    void addCommand(Command command); // a command of no lab: gradcheck, course-examples, …
    void addBench(Command bench);     // a benchmark of no lab: rnn

    // In name order, whatever the order of registration (which follows the link order).
    std::vector<Lab> labs() const;
    std::vector<Command> commands() const;
    std::vector<Command> benches() const; // labs' benches included
    // Names registered twice ("bench 'rnn' is registered twice"); empty when all is well.
    QStringList conflicts() const;

    // Runs the command line (args[0] is the program). Throws InputError for an unknown or ambiguous command.
    int dispatch(const QStringList& args) const;

    QString usage() const;      // unroll-cli --help
    QString trainUsage() const; // unroll-cli train --help
    QString benchUsage() const; // unroll-cli bench --help
    QString labUsage(const Lab& lab) const;

private:
    const Lab* findLab(const QString& name) const;
    std::vector<Lab> labs_;
    std::vector<Command> commands_, benches_;
    QStringList mergeConflicts_; // a lab's train registered by two files
};

Registry& registry();

// Registrations: declare one with static storage in the command's file.
struct LabCommands {
    explicit LabCommands(Lab lab) { registry().addLab(std::move(lab)); }
};
struct GeneralCommand {
    explicit GeneralCommand(Command command) { registry().addCommand(std::move(command)); }
};
struct Benchmark {
    explicit Benchmark(Command bench) { registry().addBench(std::move(bench)); }
};

} // namespace unroll::cli

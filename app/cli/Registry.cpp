// The command registry and unroll-cli's dispatch and help listings; see Registry.hpp.
#include "Registry.hpp"

#include "Cli.hpp"
#include "util/Error.hpp"

#include <algorithm>
#include <stdexcept>

namespace unroll::cli {

namespace {

// Words the dispatcher reads itself; no command, lab or verb may take them.
const QStringList kReserved = {"train", "bench", "help"};

bool isHelp(const QString& word) { return word == "-h" || word == "--help" || word == "help"; }

template <class T> void sortByName(std::vector<T>& items, QString T::*name)
{
    std::sort(items.begin(), items.end(), [name](const T& a, const T& b) { return a.*name < b.*name; });
}

// Two-column listing: "  name   text", the names padded to the widest.
QString table(const std::vector<std::pair<QString, QString>>& rows)
{
    qsizetype width = 0;
    for (const auto& [name, text] : rows) width = std::max(width, name.size());
    QString out;
    for (const auto& [name, text] : rows) out += QString("  %1  %2\n").arg(name, -int(width)).arg(text);
    return out;
}

QStringList namesOf(const std::vector<Command>& commands)
{
    QStringList names;
    for (const auto& c : commands) names << c.name;
    return names;
}

QStringList withPrefix(const QString& words, const QStringList& args, qsizetype consumed)
{
    QStringList rest = args.mid(consumed);
    rest.prepend(words);
    return rest;
}

} // namespace

Registry& registry()
{
    static Registry r;
    return r;
}

void Registry::addLab(Lab lab)
{
    for (auto& known : labs_) {
        if (known.lab != lab.lab) continue;
        // One lab's commands split across files (the vectors lab: its operations, t-SNE, training): merged.
        if (known.title.isEmpty()) known.title = lab.title;
        if (lab.train && known.train) mergeConflicts_ << QString("lab %1: train is registered twice").arg(lab.lab);
        if (lab.train) known.train = lab.train;
        if (lab.run && known.run) mergeConflicts_ << QString("lab %1: its run is registered twice").arg(lab.lab);
        if (lab.run) {
            known.run = lab.run;
            known.runSummary = lab.runSummary;
        }
        for (auto& b : lab.benches) known.benches.push_back(std::move(b));
        for (auto& v : lab.verbs) known.verbs.push_back(std::move(v));
        sortByName(known.verbs, &Command::name);
        return;
    }
    sortByName(lab.verbs, &Command::name);
    labs_.push_back(std::move(lab));
}
void Registry::addCommand(Command command) { commands_.push_back(std::move(command)); }
void Registry::addBench(Command bench) { benches_.push_back(std::move(bench)); }

std::vector<Lab> Registry::labs() const
{
    auto out = labs_;
    sortByName(out, &Lab::lab);
    return out;
}

std::vector<Command> Registry::commands() const
{
    auto out = commands_;
    sortByName(out, &Command::name);
    return out;
}

std::vector<Command> Registry::benches() const
{
    auto out = benches_;
    for (const auto& lab : labs_) out.insert(out.end(), lab.benches.begin(), lab.benches.end());
    sortByName(out, &Command::name);
    return out;
}

QStringList Registry::conflicts() const
{
    QStringList out = mergeConflicts_;
    QStringList topLevel; // what `unroll-cli <word>` may mean: general commands and labs
    const auto claim = [&](const QString& what, const QString& name) {
        if (name.isEmpty() || name.startsWith('-'))
            out << QString("%1 '%2' is not a usable name").arg(what, name);
        else if (kReserved.contains(name))
            out << QString("%1 '%2' takes a word the dispatcher reserves").arg(what, name);
        else if (topLevel.contains(name))
            out << QString("%1 '%2' is registered twice").arg(what, name);
        topLevel << name;
    };
    for (const auto& c : commands()) claim("command", c.name);
    for (const auto& lab : labs()) claim("lab", lab.lab);
    for (const auto& lab : labs()) {
        QStringList verbs;
        for (const auto& v : lab.verbs) {
            if (verbs.contains(v.name) || v.name == "train")
                out << QString("lab %1: verb '%2' is registered twice").arg(lab.lab, v.name);
            if (topLevel.contains(v.name) || kReserved.contains(v.name))
                out << QString("lab %1: verb '%2' is also a command or a lab").arg(lab.lab, v.name);
            verbs << v.name;
        }
    }
    const QStringList benchNames = namesOf(benches());
    for (qsizetype i = 1; i < benchNames.size(); ++i)
        if (benchNames[i] == benchNames[i - 1]) out << QString("bench '%1' is registered twice").arg(benchNames[i]);
    out.removeDuplicates();
    return out;
}

const Lab* Registry::findLab(const QString& name) const
{
    for (const auto& lab : labs_)
        if (lab.lab == name) return &lab;
    return nullptr;
}

int Registry::dispatch(const QStringList& args) const
{
    if (const QStringList c = conflicts(); !c.isEmpty())
        throw std::logic_error(("command registry: " + c.join("; ")).toStdString());
    if (args.size() < 2) throw InputError("no command given (try unroll-cli --help)");
    const QString first = args.at(1), second = args.value(2);
    if (isHelp(first)) {
        printText(usage());
        return Ok;
    }

    if (first == "train") {
        QStringList trainable;
        for (const auto& lab : labs())
            if (lab.train) trainable << lab.lab;
        if (second.isEmpty() || second.startsWith('-') || second == "help") {
            if (isHelp(second)) {
                printText(trainUsage());
                return Ok;
            }
            throw InputError(("train needs a lab: " + trainable.join(", ") + " (see unroll-cli train --help)")
                                 .toStdString());
        }
        const Lab* lab = findLab(second);
        if (!lab || !lab->train)
            throw InputError(("unknown lab '" + second + "' for train: expected " + trainable.join(", ")).toStdString());
        return lab->train(withPrefix("unroll-cli train " + second, args, 3));
    }

    if (first == "bench") {
        const auto all = benches();
        const QString known = namesOf(all).join(", ");
        if (second.isEmpty() || second.startsWith('-') || second == "help") {
            if (isHelp(second)) {
                printText(benchUsage());
                return Ok;
            }
            throw InputError(("bench needs a benchmark name: " + known + " (see unroll-cli bench --help)")
                                 .toStdString());
        }
        for (const auto& b : all)
            if (b.name == second) return b.run(withPrefix("unroll-cli bench " + second, args, 3));
        throw InputError(("unknown benchmark '" + second + "': expected " + known).toStdString());
    }

    if (const Lab* lab = findLab(first)) {
        QStringList verbs = namesOf(lab->verbs);
        if (lab->train) verbs.prepend("train");
        if (lab->run && !verbs.contains(second)) // its own --help too
            return lab->run(withPrefix("unroll-cli " + first, args, 2));
        if (second.isEmpty() || second.startsWith('-') || second == "help") {
            if (isHelp(second)) {
                printText(labUsage(*lab));
                return Ok;
            }
            throw InputError(("lab " + first + " needs a verb: " + verbs.join(", ") + " (see unroll-cli " + first +
                              " --help)").toStdString());
        }
        const QString words = "unroll-cli " + first + " " + second;
        if (second == "train" && lab->train) return lab->train(withPrefix(words, args, 3));
        for (const auto& v : lab->verbs)
            if (v.name == second) return v.run(withPrefix(words, args, 3));
        throw InputError(("unknown verb '" + second + "' of lab " + first + ": expected " + verbs.join(", "))
                             .toStdString());
    }

    for (const auto& c : commands_)
        if (c.name == first) return c.run(withPrefix("unroll-cli " + first, args, 2));

    std::vector<std::pair<const Lab*, const Command*>> owners;
    for (const auto& lab : labs_) // the registry's own entries: the pointers must outlive the loop
        for (const auto& v : lab.verbs)
            if (v.name == first) owners.emplace_back(&lab, &v);
    if (owners.size() == 1) return owners[0].second->run(withPrefix("unroll-cli " + first, args, 2));
    if (owners.size() > 1) {
        QStringList names;
        for (const auto& [lab, verb] : owners) names << lab->lab;
        names.sort();
        throw InputError(("'" + first + "' is a verb of several labs (" + names.join(", ") + "): say unroll-cli <lab> " +
                          first).toStdString());
    }
    throw InputError(("unknown command '" + first + "' (try unroll-cli --help)").toStdString());
}

QString Registry::usage() const
{
    QStringList trainable;
    for (const auto& lab : labs())
        if (lab.train) trainable << lab.lab;
    std::vector<std::pair<QString, QString>> rows = {
        {"train <lab>", "train a model: " + trainable.join(", ") + " (unroll-cli train --help)"},
        {"bench <what>", "measure throughput: " + namesOf(benches()).join(", ") + " (unroll-cli bench --help)"},
    };
    for (const auto& c : commands()) rows.emplace_back(c.name, c.summary);
    for (const auto& lab : labs())
        if (lab.run) rows.emplace_back(lab.lab, lab.lab + ": " + lab.runSummary);
    // A lab's verbs by their short name when no other lab has one of that name.
    QStringList verbNames;
    for (const auto& lab : labs())
        for (const auto& v : lab.verbs) verbNames << v.name;
    for (const auto& lab : labs())
        for (const auto& v : lab.verbs)
            rows.emplace_back(verbNames.count(v.name) == 1 ? v.name : lab.lab + " " + v.name,
                              lab.lab + ": " + v.summary);
    std::vector<std::pair<QString, QString>> labRows;
    for (const auto& lab : labs()) {
        QStringList verbs = namesOf(lab.verbs);
        if (lab.train) verbs.prepend("train");
        QString text = lab.title + " — " + verbs.join(", ");
        if (!lab.benches.empty()) text += "; bench " + namesOf(lab.benches).join(", ");
        labRows.emplace_back(lab.lab, text);
    }
    return "Usage: unroll-cli <command> [options]\n\nUnroll's labs without a display: train, check, measure, print "
           "JSON.\n\nCommands:\n" +
           table(rows) + "\nLabs (unroll-cli <lab> <verb> [options]; unroll-cli <lab> --help):\n" + table(labRows) +
           "\nOptions:\n  -h, --help     Show this help (or a command's: unroll-cli <command> --help).\n"
           "  -v, --version  Show the version.\n\nExit codes: 0 success, 1 internal error, 2 bad input.";
}

QString Registry::trainUsage() const
{
    std::vector<std::pair<QString, QString>> rows;
    for (const auto& lab : labs())
        if (lab.train) rows.emplace_back(lab.lab, lab.title);
    return "Usage: unroll-cli train <lab> [options]   (a lab's options: unroll-cli train <lab> --help)\n\nLabs:\n" +
           table(rows);
}

QString Registry::benchUsage() const
{
    std::vector<std::pair<QString, QString>> rows;
    for (const auto& b : benches()) rows.emplace_back(b.name, b.summary);
    return "Usage: unroll-cli bench <what> [options]   (a benchmark's options: unroll-cli bench <what> --help)\n\n"
           "Benchmarks:\n" +
           table(rows);
}

QString Registry::labUsage(const Lab& lab) const
{
    std::vector<std::pair<QString, QString>> rows;
    if (lab.train) rows.emplace_back("train", "train a model (unroll-cli train " + lab.lab + ")");
    if (lab.run) rows.emplace_back("(none)", lab.runSummary + " (unroll-cli " + lab.lab + " [options])");
    for (const auto& v : lab.verbs) rows.emplace_back(v.name, v.summary);
    QString text = "Usage: unroll-cli " + lab.lab + " <verb> [options]   (a verb's options: unroll-cli " + lab.lab +
                   " <verb> --help)\n\n" + lab.title + "\n\nVerbs:\n" + table(rows);
    std::vector<std::pair<QString, QString>> benches;
    for (const auto& b : lab.benches) benches.emplace_back(b.name, b.summary);
    if (!benches.empty()) text += "\nBenchmarks (unroll-cli bench <name>):\n" + table(benches);
    return text;
}

} // namespace unroll::cli

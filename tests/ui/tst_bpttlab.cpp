// The BPTT lab driven offscreen like a user: clicks on the transport, changes of cell and T mid-way, a bad text, the
// gradient check; the numbers the views show are checked against the core's stepper.
#include "labs/BpttLab.hpp"
#include "widgets/UnrolledGraphView.hpp"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>
#include <QTextBrowser>
#include <QToolButton>

using namespace unroll;

namespace {
QToolButton* transportButton(QWidget* lab, const QString& text)
{
    for (auto* b : lab->findChildren<QToolButton*>())
        if (b->text() == text) return b;
    return nullptr;
}

// The graph shows exactly the stepper's values: computed steps carry a<t>, the rest are empty.
void verifyGraphMatchesStepper(const BpttLab& lab)
{
    const auto& s = lab.stepper();
    const auto& model = lab.graph()->model();
    QCOMPARE(int(model.steps.size()), int(s.steps()));
    QCOMPARE(model.forwardDone, int(s.forwardDone()));
    QCOMPARE(model.backwardDone, int(s.backwardDone()));
    for (Index t = 0; t < s.steps(); ++t) {
        const auto& st = model.steps[size_t(t)];
        if (!s.forwardComputed(t)) {
            QVERIFY(st.a.values.empty());
            continue;
        }
        const MatD a = s.a(t);
        QCOMPARE(st.a.rows, int(a.rows()));
        for (Index i = 0; i < a.rows(); ++i) QCOMPARE(st.a.values[size_t(i * a.cols())], float(a(i, 0)));
        if (s.backwardComputed(t)) {
            QCOMPARE(st.da.values.front(), float(s.daTotal(t)(0, 0)));
        } else {
            QVERIFY(st.da.values.empty());
        }
    }
}
} // namespace

class TestBpttLab : public QObject {
    Q_OBJECT
private slots:
    void clickingForwardThenBackwardShowsTheCoreNumbers()
    {
        BpttLab lab;
        lab.resize(1200, 800);
        lab.show();
        auto* next = transportButton(&lab, "▶");
        QVERIFY(next);
        const int T = int(lab.stepper().steps());
        for (int k = 1; k <= T + 3; ++k) {
            QTest::mouseClick(next, Qt::LeftButton);
            QCOMPARE(lab.stepper().position(), Index(k));
            verifyGraphMatchesStepper(lab);
        }
        QVERIFY(lab.positionText().startsWith("Backward: at t = " + QString::number(T - 2)));
        // The equations panel shows the focus step's numbers: unit 1's a<t> to 4 decimals.
        const Index t = T - 3;
        QVERIFY(lab.equations()->toPlainText().contains(QString::number(lab.stepper().a(t)(0, 0), 'f', 4)));
        QTest::mouseClick(transportButton(&lab, "◀"), Qt::LeftButton);
        QCOMPARE(lab.stepper().position(), Index(T + 2));
        verifyGraphMatchesStepper(lab);
        QTest::mouseClick(transportButton(&lab, "⏭"), Qt::LeftButton);
        QCOMPARE(lab.stepper().backwardDone(), Index(T));
        verifyGraphMatchesStepper(lab);
        QTest::mouseClick(transportButton(&lab, "⏮"), Qt::LeftButton);
        QCOMPARE(lab.stepper().position(), Index(0));
        verifyGraphMatchesStepper(lab);
    }

    void traceCsvHoldsTheShownValues()
    {
        BpttLab lab;
        lab.performSteps(int(lab.stepper().steps()) + 1); // forward done, one step back
        const QString csv = lab.traceCsv();
        const Index T = lab.stepper().steps();
        QVERIFY(csv.startsWith("t,quantity,row,column,value\n"));
        QVERIFY(csv.contains(QString("1,a,0,0,%1\n").arg(lab.stepper().a(0)(0, 0), 0, 'g', 17)));
        QVERIFY(csv.contains(QString("%1,da_from_loss,0,0,").arg(T)));
        QVERIFY(!csv.contains(QString("%1,da_from_loss,0,0,").arg(T - 1))); // not reached yet
        QCOMPARE(lab.exportActions().size() >= 4, true);
    }

    void changingCellOrLengthMidwayStartsAfresh()
    {
        BpttLab lab;
        lab.show();
        lab.performSteps(11);
        auto* cell = lab.findChildren<QComboBox*>().first(); // the first combo is the cell
        cell->setCurrentIndex(int(CellKind::Gru));
        QCOMPARE(lab.config().cell, CellKind::Gru);
        QCOMPARE(lab.stepper().position(), Index(0));
        verifyGraphMatchesStepper(lab);
        lab.performSteps(4);
        QSpinBox* steps = nullptr;
        for (auto* s : lab.findChildren<QSpinBox*>())
            if (s->minimum() == 2 && s->maximum() == 40) steps = s;
        QVERIFY(steps);
        steps->setValue(5);
        QCOMPARE(lab.stepper().steps(), Index(5));
        QCOMPARE(lab.stepper().position(), Index(0));
        verifyGraphMatchesStepper(lab);
        lab.performSteps(7);
        verifyGraphMatchesStepper(lab);
    }

    void aTooShortTextIsExplainedAndTheModelKept()
    {
        BpttLab lab;
        lab.show();
        const auto before = lab.config().text;
        QLineEdit* text = nullptr; // the text field, not a spin box's editor
        for (auto* e : lab.findChildren<QLineEdit*>())
            if (e->placeholderText().contains("T + 1")) text = e;
        QVERIFY(text);
        text->setText("abc"); // T = 8 needs 9 characters
        QCOMPARE(lab.config().text, before);
        bool shown = false;
        for (auto* l : lab.findChildren<QLabel*>())
            if (l->text().contains("needs 9")) shown = true;
        QVERIFY(shown);
    }

    void gradientCheckFillsTheTable()
    {
        BpttLab lab;
        lab.show();
        QPushButton* run = nullptr;
        for (auto* b : lab.findChildren<QPushButton*>())
            if (b->text() == "Run gradient check") run = b;
        QVERIFY(run);
        QTest::mouseClick(run, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(lab.gradCheckTable()->rowCount(), int(lab.stepper().paramNames().size()), 20000);
        for (int r = 0; r < lab.gradCheckTable()->rowCount(); ++r)
            QVERIFY(lab.gradCheckTable()->item(r, 1)->text().endsWith("✓"));
    }
};

QTEST_MAIN(TestBpttLab)
#include "tst_bpttlab.moc"

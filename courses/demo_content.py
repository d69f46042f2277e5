"""Demo courses for seed_demo: written for the platform from the facts of the domain reference."""

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class DemoLesson:
    slug: str
    title: str
    minutes: int
    body: str  # Markdown
    required: bool = True
    safety_notice: str = ""  # plain text, one or two sentences, shown above the lesson
    transcript: str = ""


@dataclass(frozen=True)
class DemoModule:
    title: str
    summary: str
    lessons: tuple[DemoLesson, ...]


@dataclass(frozen=True)
class DemoCourse:
    slug: str
    title: str
    summary: str  # one or two sentences for the catalog card
    # Markdown, 2-4 paragraphs: what it covers, who it is for, what you will be able to do
    description: str
    topic: str  # a slug from TOPICS
    level: str  # "introductory" | "intermediate" | "advanced"
    ce_hours: Decimal  # half-hour steps, e.g. Decimal("2.5")
    status: str  # "published" | "draft"
    order_required: bool
    instructor_emails: tuple[str, ...]
    prerequisite_slugs: tuple[str, ...] = ()
    modules: tuple[DemoModule, ...] = field(default_factory=tuple)


TOPICS: tuple[tuple[str, str], ...] = (
    ("fascia", "Fascia"),
    ("stretching", "Stretching and mobility"),
    ("teaching-methods", "Teaching methods"),
    ("clinical-reasoning", "Clinical reasoning"),
)

INSTRUCTOR = "instructor@example.com"


# --------------------------------------------------------------------------------------------
# Course 1: Fascia essentials
# --------------------------------------------------------------------------------------------

FASCIA_ESSENTIALS = DemoCourse(
    slug="fascia-essentials",
    title="Fascia: what it is and why muscles tighten",
    summary=(
        "A practical introduction to fascia: what it is, how it is constantly renewed, and how "
        "overuse and stillness leave muscles tight and sore."
    ),
    description="""This introductory course explains fascia in working terms: the thin, tough
connective film that wraps each muscle and every fibre inside it, how movement wears it down
and the body keeps rebuilding it, and why the balance between the two shapes how muscles feel
and move.

You will follow the two main routes to tightness. After **overuse**, repairing fascia can bind
healthy fibres together so that the muscle shortens. During long spells of **stillness**, it keeps
building up until the tissue becomes dense and congested. Finally, you will see how the continuous
fascial web lets tension spread, for example from the glutes and hips into the lower back.

The course is written for qualified massage and sports-massage therapists who want a clear model
to guide their hands-on work and to explain tightness to clients. By the end you will be able to
describe how fascia behaves, connect a client's habits to their symptoms, explain this in plain
language, and recognise when symptoms fall outside the model and need a doctor or other medical
professional.""",
    topic="fascia",
    level="introductory",
    ce_hours=Decimal("2.0"),
    status="published",
    order_required=True,
    instructor_emails=(INSTRUCTOR,),
    modules=(
        DemoModule(
            title="What fascia is",
            summary="The structure of fascia and the constant cycle of wear and renewal that "
            "keeps it healthy.",
            lessons=(
                DemoLesson(
                    slug="what-fascia-is",
                    title="Fascia: the wrapping around every muscle",
                    minutes=12,
                    body="""## Why start with fascia

Most clients who arrive with tight, sore glutes describe the problem as "a tight muscle". That is
a fair starting point, but much of how a muscle feels and moves depends on the connective film
that surrounds it: fascia. A clear picture of fascia gives you a firmer basis for your hands-on
work and a simpler story to offer clients.

## A film around the muscle and around every fibre

Fascia is a thin but strong sheet of connective tissue. It does not stop at the outer surface of
a muscle. It wraps the muscle as a whole, and it also wraps each individual fibre inside it.

A useful way to picture the structure:

1. The contractile material of muscle is a soft, protein-rich substance with little shape of its
own.
2. Fascia encloses that substance in very fine tubes, much as a casing holds a filling. Each
filled tube is a single microscopic fibre.
3. Further fascia gathers those fibres into bundles, and the bundles into the muscle you can see
and palpate.

So fascia is not an extra layer sitting on top of the muscle. It is the framework that gives
muscle its form, from the surface down to the smallest unit.

## A picture clients already know

Many clients have prepared raw chicken. When the skin is peeled back, a thin, shiny, slightly
slippery membrane lies over the meat underneath. That sheet is fascia. This everyday image
usually lands far better than anatomical terms, and it helps clients see why you might work
broadly across a region rather than pressing on one sore spot.

> **Try saying:** "Under your skin, every muscle is wrapped in a thin, strong film, a bit like
> the see-through layer under the skin of a chicken. That film also wraps every tiny fibre inside
> the muscle, so when it gets tight, the whole muscle feels it."

## Why this matters at the treatment table

If fascia shapes every fibre and every bundle, then changes in the fascia change how the whole
muscle behaves. The rest of this course builds on that idea: how fascia is renewed, how it
responds to overuse and to stillness, and how tightness in one area can show up in another.

Treat this as a working model for understanding and explaining everyday tightness, not as a
diagnostic tool. Anything that does not fit the pattern belongs with a doctor or other medical
professional.

## Key points

- Fascia is a thin, strong connective film around each whole muscle and each individual fibre.
- Muscle can be pictured as soft protein material held in fine fascial casings, bundled together
by more fascia.
- The membrane under poultry skin is a simple, familiar way to show clients what fascia is.
- Changes in fascia affect the whole muscle, which is why it sits at the centre of this course.""",
                ),
                DemoLesson(
                    slug="wear-and-renewal",
                    title="Worn by movement, constantly renewed",
                    minutes=10,
                    body="""## A tissue that is always being rebuilt

Fascia is not a fixed wrapping laid down once and left alone. Every time a muscle contracts,
lengthens and slides against its neighbours, the fascia around it takes a little wear. To keep
the structure intact, the body keeps producing new fascia all the time.

In a body that moves regularly, these two processes roughly cancel out. Movement wears fascia
down; growth replaces it. The result is connective tissue that stays thin, pliable and able to
glide, and muscles that move freely.

## Balance, not blame

The idea to hold on to is balance. Fascia rarely becomes a problem because the tissue is "bad".
It becomes a problem when the balance between wear and renewal tips one way for long enough to
change how the tissue behaves. The next module covers two common ways this happens:

- **Overuse and small tears**, where the repair response binds fibres together.
- **Stillness**, where growth carries on but wear does not, so tissue builds up.

Both follow the same underlying logic, which makes them easy to explain together.

## What this means for your assessment

When a client reports stiffness, ask about the pattern of their days and weeks, not only about
the sore spot:

- How much do they move, and how varied is that movement?
- Has their training load gone up recently?
- Do they spend long periods in one position, at a desk, in a car or on a sofa?
- Has anything changed lately, such as a new job, a new sport or time off through illness?

These questions are not diagnostic. They help you and the client see where the balance between
wear and renewal may have shifted, and they prepare the ground for the conversation about
movement that comes later in treatment.

## Explaining it to clients

Clients often assume that rest is always the answer to stiffness. The wear and renewal picture
gives you a gentle way to suggest otherwise, without contradicting advice a doctor may have
given them.

> **Try saying:** "The wrapping around your muscles is constantly being worn away by movement
> and rebuilt by your body. When you move regularly, those two stay in balance. When that
> balance slips, the tissue can start to feel thick and stiff, and that's part of what we're
> working on today."

Keep the language plain and avoid implying that the client has done something wrong. Most
people's routines tip the balance without them noticing.

## In practice

- Describe fascia as a living tissue that movement wears down and the body rebuilds.
- Frame tightness as a shift in the balance between wear and renewal.
- Ask about movement habits, training load and long static positions, not only the painful area.
- Use plain, non-blaming language, and leave diagnosis to doctors and other medical
professionals.""",
                ),
            ),
        ),
        DemoModule(
            title="How tightness develops and spreads",
            summary="How overuse, stillness and the connected fascial web turn healthy tissue "
            "into tight, sore and restricted muscle.",
            lessons=(
                DemoLesson(
                    slug="repair-and-binding",
                    title="Overuse, micro-tears and binding",
                    minutes=12,
                    body="""## When fibres are overloaded

Hard or repetitive use can leave muscles with tiny, microscopic tears. This is most familiar
after a demanding training session or an unaccustomed activity, but repeated everyday tasks
can have the same effect. The body responds by starting repair, and fascia plays a central part.

## Repair that reaches too far

Around damaged fibres, fascia grows outwards and draws neighbouring fibres together, knitting
the area back into one piece. As a repair strategy, that makes sense. The difficulty is that the
process is not precise. While it gathers fibres together, the new fascia can also bind fibres
that were never damaged.

Fibres held together in this way cannot lengthen and slide as they normally would. Sections of
the muscle effectively become shorter, and a muscle with shortened sections feels tight. From the
client's side, this usually shows up as:

- a muscle that feels tight even at rest;
- less range of movement, for example in hip rotation or bending forward;
- discomfort when the area is stretched.

## Reading it with your hands

In a region affected this way you may notice tissue that feels less pliable, moves less freely
over deeper layers or gives a sense of a band rather than a soft, even texture. Work slowly and
let the tissue tell you how much pressure it will accept. Forcing through restricted tissue is
more likely to provoke guarding than change.

Your palpation findings are clinical observations, not a diagnosis. Record what you feel and
what the client reports, and keep your interpretations modest.

## Explaining it to clients

Clients who train hard often worry that tightness means they have "pulled something". You can
reassure them without over-promising:

> **Try saying:** "When muscles are worked hard, they pick up tiny tears, and the wrapping tissue
> grows in to patch them. Sometimes it patches a bit too keenly and ties healthy fibres together
> as well. That's part of why this area feels short and tight, and it's the kind of thing massage
> and gentle stretching aim to ease."

If a client's symptoms do not match this picture, for instance sharp or shooting pain, pins and
needles, numbness, or pain that lingers well beyond what you would expect, stop and suggest they
see a doctor or other medical professional.

## Key points

- Overuse can cause microscopic tears in muscle fibres.
- Fascia grows out to gather and repair the damaged area.
- In doing so it can bind healthy fibres, so sections of muscle shorten and tighten.
- Palpate gently and treat your findings as observations, not diagnoses.
- Symptoms outside this pattern are a reason to refer on.""",
                ),
                DemoLesson(
                    slug="stillness-and-congestion",
                    title="Stillness, build-up and congestion: why it hurts",
                    minutes=14,
                    body="""## The problem with staying still

Picture a client who spends most of the working day slumped at a desk, hardly changing position
for hours. Their muscles are barely moving, but the body does not stop producing fascia just
because it has stopped moving. Renewal continues while wear has all but ceased.

Over days and weeks, that imbalance matters. New fascia is laid down on top of what is already
there, layer upon layer, and nothing wears it away. Areas that were already stiff, or that have
recently been through repair, are affected most, because they had less freedom to start with.

## From pliable film to compact mass

As the layers accumulate, the tissue changes character. What should be a thin, gliding film
becomes a dense, hardened mass. This has several consequences:

1. **Movement is restricted further.** Thickened fascia limits how far and how smoothly muscles
can lengthen.
2. **Nerves can be irritated.** Compacted tissue can press on or rub against nerves that pass
through or near it.
3. **Waste products are held in place.** Substances produced by working muscle, such as lactic
acid, can become trapped in the congested tissue instead of being cleared.

The result is a kind of congestion: tissue that is crowded and stuck, with nothing flowing as it
should.

## Why it hurts

This picture gives clients an understandable answer to the question "why does it ache when I
haven't done anything?" The discomfort comes from a combination of factors: shortened, restricted
tissue resisting movement, irritated nerves, and retained waste in an area that is not being
moved. Because a lack of movement is part of the cause, more rest on its own is unlikely to fix
it.

Use this as a working model to guide treatment and explanation. It does not replace medical
assessment, and it should never be used to tell a client what is "definitely" wrong.

## Explaining it to clients

> **Try saying:** "Your body keeps laying down this wrapping tissue whether you move or not. When
> you sit still for hours, it builds up in layers and gets dense, and things get crowded and
> stuck. It can irritate nerves too, which is why it aches even on days you've done nothing."

Follow this with a hopeful message. If stillness is part of the cause, movement is part of the
answer, and that is something the client can influence.

## In practice

- Ask about long periods in one position, especially desk work.
- Explain that fascia keeps growing during stillness but is not worn down, so it builds up.
- Link the ache to restricted tissue, irritated nerves and trapped waste such as lactic acid.
- Stop and refer if the client describes sharp or shooting pain, pins and needles, numbness, or
pain that lingers.""",
                ),
                DemoLesson(
                    slug="continuous-web",
                    title="A continuous web: how tightness spreads",
                    minutes=12,
                    body="""## One connected network

Fascia is not a collection of separate wrappings, one per muscle. It forms a single, continuous,
three-dimensional web that surrounds and runs through all of the body's soft tissue. Each
muscle's covering is linked to the coverings of its neighbours, and through them to deeper and
more distant structures.

That continuity is why fascial changes rarely stay neatly in one place. Tension, thickening or
binding in one region can be passed along the web and felt somewhere else.

## Glutes, hips and the lower back

A common example is the client whose glutes and hips are tight and sore and who also reports
lower-back pain. Tightness in the glutes and around the hips often travels upwards, causing or
adding to discomfort in the lower back. The client may mention only their back, because that is
where they notice it most.

For you, this means:

- examining the glutes and hips when a client presents with lower-back discomfort, within your
scope and with consent;
- considering the lower back when the main complaint is in the glutes or hips;
- explaining to clients why you might spend time on an area they did not mention.

## Keeping your reasoning honest

The web model encourages you to look beyond the sore spot, but it should not be stretched to
explain everything. Back pain has many possible causes, and some of them need medical
investigation. Your role is to notice patterns, treat what is within your scope and refer when
something does not fit. Sharp or shooting pain, pins and needles, numbness or pain that lingers
are reasons to stop and suggest the client sees a doctor or other medical professional.

## Explaining it to clients

Clients may be puzzled when you work on their hips for a back complaint. Explain briefly:

> **Try saying:** "The wrapping tissue around your muscles is one continuous web, all linked
> together. When your glutes and hips tighten, that pull can travel up into your lower back. So
> I'm going to spend some time here as well as on your back."

Check that the client is comfortable with the plan before you start, and invite them to tell you
if anything feels wrong during treatment.

## Bringing the course together

You now have one connected picture: fascia wraps every fibre, is worn and renewed, can bind
healthy fibres during repair, builds up during stillness and lets tightness spread. The follow-on
stretching course uses it to explain why treatment aims to reduce compacted tissue, lengthen it
and restore movement.

## Key points

- Fascia is a continuous three-dimensional web, so tightness can spread.
- Tight glutes and hips often contribute to lower-back pain.
- Look beyond the sore spot, but keep your reasoning modest and within scope.
- Explain your plan in plain terms, and refer when symptoms do not fit.""",
                ),
            ),
        ),
    ),
)


# --------------------------------------------------------------------------------------------
# Course 2: Stretching and mobility for glutes, hips and lower back
# --------------------------------------------------------------------------------------------

STRETCHING_GLUTES = DemoCourse(
    slug="stretching-glutes-hips-back",
    title="Stretching and mobility for tight glutes, hips and lower back",
    summary=(
        "Apply the fascia model to tight glutes, hips and lower backs, with safe stretching, "
        "foam rolling and a clear rule for when clients should stop and see a doctor."
    ),
    description="""This course turns the fascia model into a treatment plan for one of the most
common presentations in sports-massage practice: tight, sore glutes and hips, often with a stiff
lower back. It sets out the logic of care (reduce compacted tissue, lengthen it, restore
movement) and shows how skilled massage and stretching work together to achieve it.

You will learn how to teach glute stretches and foam rolling safely, how closing the eyes can
sharpen a client's body awareness, and how to give clients a simple, reliable way to tell
acceptable "right" pain from warning-sign "wrong" pain. The links between tight glutes, the
piriformis, sciatica and lower-back pain are covered with a constant emphasis on knowing when to
stop and refer.

It is written for qualified therapists who have completed *Fascia: what it is and why muscles
tighten*. By the end you will be able to plan and explain treatment for this region, coach home
stretching and rolling in small, gentle steps, and recognise the symptoms that mean a client
should see a doctor or other medical professional rather than carry on.""",
    topic="stretching",
    level="intermediate",
    ce_hours=Decimal("3.0"),
    status="published",
    order_required=True,
    instructor_emails=(INSTRUCTOR,),
    prerequisite_slugs=("fascia-essentials",),
    modules=(
        DemoModule(
            title="The logic of treatment and the limits of pain",
            summary="Why massage and stretching go together for tight glutes and hips, and how "
            "to separate acceptable discomfort from warning signs.",
            lessons=(
                DemoLesson(
                    slug="treatment-logic",
                    title="From cause to treatment: reduce, lengthen, move",
                    minutes=14,
                    body="""## Starting from the cause

The prerequisite course described how tight, sore glutes and hips develop. Fascia binds fibres
after overuse, and it builds up into compact, congested tissue during long periods of stillness.
Two things sit at the heart of that picture: **compacted fascia in shortened tissue**, and **too
little movement**.

If those are the causes, the aims of treatment follow directly:

1. **Reduce** the compacted fascia.
2. **Lengthen** the shortened tissue.
3. **Restore movement**, so that the balance between wear and renewal can recover.

Keeping these three aims in view helps you choose techniques, plan sessions and explain your
approach in a way clients can follow.

## Two tools working together

Skilled hands-on massage and stretching tackle these aims from different directions.

- **Massage** works directly on tight, compacted tissue. By loosening restricted fascia and sore
muscle, you free up the tissue around the muscles and the hip, which can ease pain and make
movement easier. It can also help to correct muscular imbalances.
- **Stretching** carries the work on between sessions. It lengthens tissue and, just as
importantly, gets the client moving, which addresses the lack of movement that let the problem
develop.

Neither tool is complete on its own. Massage alone leaves the client's daily pattern unchanged;
stretching alone may not shift tissue that is already dense and bound.

## Why the glutes and hips deserve attention

Two links make this region particularly important:

- **The lower back.** Because fascia is a continuous web, tightness in the glutes and hips often
spreads upwards and causes or contributes to lower-back pain.
- **Sciatica.** Tightness around the glutes, the piriformis and the hips is one of the major
contributors to sciatica.

The second link needs care. A massage therapist cannot tell what is behind a particular client's
leg symptoms. If a client describes pain travelling down the leg, pins and needles or numbness,
they should be assessed by a doctor or other medical professional before you go further.

## Explaining the plan to a client

> **Try saying:** "The tightness comes from tissue that has built up and shortened, and from not
> moving enough. So today I'll work on loosening that tissue, and I'll show you a gentle stretch
> to keep it moving between visits."

## In practice

- Tie every part of your plan to the three aims: reduce, lengthen, move.
- Combine massage in the clinic with stretching between sessions.
- Check the lower back in clients with tight glutes and hips, and the reverse.
- Refer clients with leg pain, pins and needles or numbness for medical assessment.""",
                ),
                DemoLesson(
                    slug="right-and-wrong-pain",
                    title="Right pain, wrong pain and when to stop",
                    minutes=12,
                    safety_notice=(
                        "This lesson is general information, not a diagnosis. Any client who "
                        "reports sharp or shooting pain, pins and needles, numbness or pain that "
                        "lingers should stop and see a doctor or other medical professional."
                    ),
                    body="""## Why pain language matters

Clients who stretch at home will feel something, and they need a way to decide whether that
feeling is acceptable. Without guidance, some push through everything and others stop at the
first sensation. A simple distinction between "right" and "wrong" pain gives them a practical
rule, and gives you a shared vocabulary for checking in.

## Right pain

Right pain is the sensation of tissue being asked to lengthen. Clients typically describe:

- a stretching or pulling feeling in the muscle being targeted;
- mild discomfort that is tolerable and steady;
- a sensation that eases once the stretch is released.

Right pain shows the stretch is doing its job. It should never be so strong that the client
holds their breath, grimaces or braces against it.

## Wrong pain

Wrong pain is a warning. Teach clients to recognise these signs:

- **sharp** or stabbing pain;
- **shooting** pain that travels, for example down the leg;
- **pins and needles** or tingling;
- **numbness**;
- pain that **lingers** after the stretch has finished, or does not settle.

> **The rule:** if it feels like wrong pain, stop straight away and do not repeat the stretch to
> "test" it. See a doctor or other medical professional.

The same applies in your treatment room. If a client reports any of these during a session, stop
the technique, check in with them and recommend medical assessment.

## Slow, gentle and progressive

Much wrong pain can be avoided by how a stretch is approached. Encourage clients to move into
each position slowly, to go only as far as a mild stretch, and to build range gradually over days
and weeks rather than in a single session. Progress should feel easy and unforced.

## Checking understanding

Do not assume a client has absorbed the distinction just because they nodded. Ask them to
explain it back:

> "Before you go, tell me in your own words what a good stretch should feel like, and what would
> make you stop."

Listen for both parts. If they mention only the stretch feeling, prompt for the warning signs.
If they cannot say when they would stop, go through the list again and write it down for them.

## Your limits

You are not diagnosing the cause of wrong pain, and you should not try to. Your job is to
recognise that a symptom falls outside what stretching and massage should produce, to stop, and
to point the client towards a doctor or other medical professional.

## Key points

- Right pain: a stretching sensation or mild, steady discomfort that eases on release.
- Wrong pain: sharp, shooting, pins and needles, numbness, or pain that lingers.
- On wrong pain, stop and see a doctor or other medical professional.
- Work slowly, gently and progressively, and check understanding with teach-back.""",
                ),
            ),
        ),
        DemoModule(
            title="Stretching, rolling and reasoning in practice",
            summary="Teaching glute stretches and foam rolling safely, and applying the stop rule "
            "to a realistic client.",
            lessons=(
                DemoLesson(
                    slug="glute-stretching",
                    title="Teaching safe glute stretches",
                    minutes=16,
                    safety_notice=(
                        "Clients should stretch on their own only after you have shown them how "
                        "and they feel confident. Stretching should be slow and gentle; any wrong "
                        "pain means stop and see a doctor or other medical professional."
                    ),
                    body="""## Shown first, then practised

Glute stretches are most useful when clients do them between sessions, but only once they have
been shown how to do them safely. Do not hand over a list of stretches copied from elsewhere.
Demonstrate each one, watch the client perform it and correct their position before they take it
home. A client should stretch alone only when they feel confident with it.

Choose a small number of stretches that suit the individual. Consider their range of movement,
their comfort getting down to and up from the floor, and any positions they find difficult. One
well-performed stretch is worth more than five half-remembered ones.

## How to coach a stretch

Walk the client through each stretch in stages:

1. **Set up.** Get into a stable, supported starting position.
2. **Ease in.** Move slowly into the stretch until a mild stretching sensation appears, and stop
there.
3. **Stay.** Hold the position gently, letting the breath stay easy.
4. **Notice.** Pay attention to what is happening in the glute and hip.
5. **Come out slowly.** Release with the same care as going in.

Over time the range can increase, but in small steps. Slow, gentle and progressive is the guiding
principle for every stretch you teach.

## Closing the eyes

Once a client is comfortable with a stretch, you can suggest they try it with their eyes closed.
Shutting out vision tends to sharpen awareness of the body: clients notice more clearly where the
stretch is felt, how intense it is and how it changes as they hold it.

Only suggest this when it is safe:

- the client is confident with the stretch;
- the position is stable, for example lying down or well supported, never balancing;
- the surroundings are safe, with nothing to knock into or fall against.

If a client feels unsteady or uneasy with their eyes closed, they should open them. Awareness is
the aim, not an extra challenge.

## Reinforcing the pain rule

Every time you teach a stretch, repeat the distinction between right and wrong pain. A stretching
feeling or mild discomfort is expected. Sharp or shooting pain, pins and needles, numbness or pain
that lingers means stop and see a doctor or other medical professional.

> **Try saying:** "Go in slowly until you feel a gentle stretch in your buttock, then stay there.
> If you get anything sharp, shooting, tingly or numb, come straight out and don't carry on. Get
> it checked by your doctor."

## In practice

- Demonstrate, observe and correct before any home practice.
- Teach few stretches, and teach them well.
- Coach the stages: set up, ease in, stay, notice, come out slowly.
- Suggest eyes-closed stretching only in a stable, safe position.
- Repeat the right and wrong pain rule every time.""",
                ),
                DemoLesson(
                    slug="foam-rolling",
                    title="Foam rolling for glutes and hips",
                    minutes=14,
                    safety_notice=(
                        "Introduce foam rolling only after a demonstration, and make sure clients "
                        "roll slowly and gently. Sharp or shooting pain, pins and needles, "
                        "numbness or lingering pain means stop and see a doctor or other medical "
                        "professional."
                    ),
                    body="""## Where foam rolling fits

A foam roller gives clients a way to apply pressure to their own glutes and hips between
sessions. It does not replace skilled massage, but it can support the same aims: easing
compacted tissue and encouraging movement in an area that has become stiff. For some clients it
is also a reassuring way to take part in their own care.

As with stretching, foam rolling is for clients who feel confident and have been shown how.
Introduce it in the clinic, where you can watch and adjust, rather than recommending it in
passing.

## Teaching the basics

Keep the instructions simple and concrete:

1. **Position.** Sit on the roller, leaning slightly to one side so it sits under one buttock,
with the hands behind and the feet on the floor.
2. **Control pressure.** Take more weight through the hands and feet to make it lighter, less to
make it firmer. Start light.
3. **Move slowly.** Roll in small, unhurried movements rather than fast sweeps.
4. **Pause and breathe.** If a spot feels tight but the sensation is acceptable, stay still for a
few breaths and let it ease.
5. **Move on.** Do not grind into one point for long.

Show the client how to get on and off the roller steadily. Getting up and down is where many
people lose their balance.

## Right and wrong sensations on the roller

The same pain language applies. A firm, deep pressure or a sense of tightness easing is right
pain. Teach clients to stop straight away if they feel:

- sharp or shooting pain;
- pins and needles or tingling, for instance down the leg;
- numbness;
- pain that lingers after rolling has finished.

If any of these occur, they should not roll the area again until they have seen a doctor or
other medical professional. Ask about this at the next session as a matter of routine.

## Who it may not suit

Not every client gets on with a roller. Some find getting down to the floor difficult, some
cannot control the pressure, and some simply find it unpleasant. Respect that: a gentle stretch
may serve them better. If you are unsure whether rolling is appropriate for a client, leave it
out.

> **Try saying:** "Take your weight on your hands so it's lighter than you think it needs to be.
> Roll slowly. A deep, achy pressure is fine; anything sharp, tingling or numb means get off and
> stop."

## Key points

- Foam rolling supports massage between sessions; it does not replace it.
- Teach it in person: position, pressure control, slow rolling and pauses.
- Start light and progress gently.
- Stop on wrong pain and seek medical advice.
- Leave it out for clients it does not suit.""",
                ),
                DemoLesson(
                    slug="case-desk-and-gym",
                    title="Case study: sore glutes, a stiff back and a warning sign",
                    minutes=10,
                    required=False,
                    safety_notice=(
                        "This case is for learning only and is not a diagnostic guide. A client "
                        "with shooting leg pain, pins and needles or numbness should be referred "
                        "to a doctor or other medical professional."
                    ),
                    body="""## The client

Sam is an office worker in their thirties who spends most of the day at a desk and trains hard
in the gym at weekends. They book a session for aching, tight buttocks and describe a stiff,
nagging lower back that is worse after long days sitting. They also mention, almost in passing,
that their right leg has "felt a bit odd" for a couple of weeks.

Before reading on, decide what fits the fascia model, what does not, and what you would do.

## What fits the pattern

Several features match the picture from the prerequisite course:

- **Hard weekend training** suggests overuse and microscopic tears, where repairing fascia can
bind healthy fibres and shorten the muscle.
- **Long days sitting** mean little movement, so fascia keeps building up without being worn
away, becoming compact and congested.
- **Lower-back stiffness** alongside tight glutes fits tightness spreading through the
continuous fascial web.

A plan built on reducing compacted tissue, lengthening it and restoring movement would make
sense: hands-on work to the glutes, hips and lower back, and later a gentle stretch taught
carefully in clinic.

## What does not fit, and what to ask

The comment about the leg matters. Tightness around the glutes, piriformis and hips is a major
contributor to sciatica, but you cannot tell what is causing this client's leg symptoms. Ask
neutral, open questions and record the answers:

- "Can you describe what 'odd' feels like?"
- "Is there any tingling, pins and needles or numbness?"
- "Does any pain travel down the leg, and is it sharp or shooting?"
- "Does it settle, or does it hang around?"

Suppose Sam says there is occasional tingling down the back of the thigh and a patch that feels
numb.

## The decision

Tingling and numbness are wrong pain signals. The right response is to explain calmly that these
symptoms need assessing by a doctor or other medical professional before you work further on
this area, and to record that you gave this advice. You are not telling Sam what is wrong; you
are recognising that the symptoms sit outside what you should treat without medical input.

> **Try saying:** "A lot of what you describe fits with tight muscles, and that's something I can
> help with. The tingling and numbness are different, though, and I'd like you to get them
> checked by your GP before we work on this area."

Hold back on home stretches for the affected side until Sam has been assessed. Whether you treat
other areas meanwhile is a professional judgement; if in doubt, wait.

## In practice

- Listen for overuse, stillness and spread when you hear a glute and back story.
- Ask open questions about leg symptoms and record the answers.
- Treat tingling, numbness and sharp or shooting pain as reasons to stop and refer.
- Explain the referral calmly, without naming a cause.""",
                ),
            ),
        ),
    ),
)


# --------------------------------------------------------------------------------------------
# Course 3: Teaching clients to self-manage
# --------------------------------------------------------------------------------------------

TEACHING_SELF_MANAGEMENT = DemoCourse(
    slug="teaching-self-management",
    title="Teaching clients to self-manage: breathing and body awareness",
    summary=(
        "Coach clients in breathing and body awareness so their home stretching feels worthwhile, "
        "and help them keep the benefits of treatment with less hands-on input."
    ),
    description="""Hands-on treatment can ease tight, sore tissue, but what clients do between
appointments largely decides how long the relief lasts. This course looks at the therapist's
role as a teacher: helping clients take an active part in maintaining the benefits of treatment
and, over time, rely less on hands-on work.

It covers three connected skills, **breathing**, **body awareness** and **mindfulness**, and
shows how they make stretching and mobility work feel relevant and useful rather than a duty to
get through. The second half is practical: how to fit coaching into a session, concrete cues and
scripts you can adapt, how to check that a client has really understood, and how to hand over a
short home routine that they will actually use.

The course is for qualified massage and sports-massage therapists who want their home advice to
stick. By the end you will be able to explain why self-management matters, teach simple breathing
and awareness skills in plain language, check understanding with teach-back, and agree and review
a safe, realistic home routine that includes a clear rule for when to stop and see a doctor.""",
    topic="teaching-methods",
    level="intermediate",
    ce_hours=Decimal("2.5"),
    status="published",
    order_required=False,
    instructor_emails=(INSTRUCTOR,),
    modules=(
        DemoModule(
            title="Why self-management matters",
            summary="The therapist's role in helping clients keep the benefits of treatment, and "
            "the skills that make home practice feel worthwhile.",
            lessons=(
                DemoLesson(
                    slug="therapist-role",
                    title="Beyond the couch: your role in self-management",
                    minutes=12,
                    body="""## Treatment that lasts beyond the session

Hands-on work can ease tight, sore tissue, but what a client does between appointments strongly
shapes how long that relief lasts. If the pattern that created the problem, such as long hours
of stillness, carries on unchanged, tightness tends to return. Helping clients take an active
part in their own care is therefore part of good treatment, not an optional extra.

The aim is twofold:

- to help clients **build on and maintain** the benefits of massage;
- to help them become **less dependent** on hands-on treatment over time.

Some therapists feel uneasy about the second aim. It helps to see it as the measure of good work:
success is how well the client manages, not how often they need you.

## Why home programmes often fail

Many clients leave with a sheet of stretches and never use it. Common reasons include:

- the exercises feel like a chore with no obvious link to how they feel;
- they are unsure whether they are doing them correctly;
- they are worried about hurting themselves;
- the routine is too long to fit into an ordinary day.

Each of these is something you can influence through the way you teach.

## Making it feel relevant

Breathing and body-awareness skills are central to this course because they change the
experience of stretching and mobility work. When clients learn to notice their breath and pay
attention to sensations in their body, stretching stops being a set of positions to get through.
It becomes a way of checking in with the body, finding where tightness sits and feeling it
change. That sense of relevance and usefulness is what keeps people practising.

These skills also support safety. A client who is paying attention is better placed to notice
the difference between a comfortable stretching sensation and a warning sign, and to stop when
something feels wrong.

## The therapist as teacher

Taking on this role means shifting, for part of the session, from doing things *to* the client
to working *with* them. That involves:

1. explaining the reasoning behind what you are asking them to do;
2. teaching a small number of skills clearly and checking they have been understood;
3. agreeing a realistic routine rather than prescribing an ideal one;
4. following up at the next appointment and adjusting as needed.

The remaining lessons look at each of these in detail.

## Key points

- What clients do between sessions strongly affects how long benefits last.
- Aim to help clients maintain the benefits of treatment and rely less on hands-on work.
- Home routines fail when they feel irrelevant, uncertain, risky or too long.
- Breathing and body awareness make stretching feel relevant and support safety.
- Teach with the client, explain your reasoning and follow up.""",
                ),
                DemoLesson(
                    slug="breathing-and-awareness",
                    title="Breathing, body awareness and mindfulness",
                    minutes=14,
                    body="""## Three connected skills

This lesson introduces three skills you can teach alongside stretching and mobility work. They
overlap, and in practice you will often teach them together.

- **Breathing**: noticing the breath and letting it stay slow and easy, rather than holding it or
letting it become tight and rushed.
- **Body awareness**: paying deliberate attention to physical sensations, such as where a stretch
is felt, how strong it is and how it changes.
- **Mindfulness**: bringing attention to the present moment, including breath and sensation, with
curiosity rather than judgement.

None of these needs equipment or much time, which makes them practical additions to a busy
client's day.

## How they support stretching

When a client stretches on autopilot, their attention is elsewhere. They may push too far without
noticing, hold their breath and brace, or rush because the routine feels pointless. Adding breath
and awareness changes that:

- Attention to the breath discourages breath-holding and bracing, so the stretch can be
approached more gently.
- Attention to sensation helps the client find the point of a mild stretch and stay there, rather
than forcing.
- Noticing change over a few breaths gives the client direct feedback that something is
happening, which makes the practice feel worthwhile.

This is how these skills make stretching and mobilisation more effective: they turn a mechanical
task into an attentive one.

## Closing the eyes

A simple way to heighten body awareness is to close the eyes during a stretch. Without visual
input, attention turns inwards. Suggest this only when the client is confident with the stretch
and in a stable, safe position and setting, such as lying on a clear floor. If they feel unsteady
or uncomfortable, they should open their eyes.

## Awareness and safety

Body awareness also makes the right and wrong pain distinction easier to apply. A client who is
tuned in to their sensations can recognise a normal stretching feeling, and can notice early if
something becomes sharp, shooting, tingling or numb. Teach clients that awareness includes
noticing warning signs, and that the response to wrong pain is to stop and see a doctor or other
medical professional.

## Keep it plain

Present these skills in plain, practical language. Some clients are put off by terms that sound
unfamiliar or spiritual. "Notice your breath" and "pay attention to what you feel" are usually
enough. If a client responds well, you can introduce the word mindfulness; if not, the skill is
the same without the label.

## Key points

- Breathing, body awareness and mindfulness work together.
- They help clients stretch gently, find the right intensity and feel the benefit.
- Closing the eyes heightens awareness, but only when safe and stable.
- Awareness helps clients recognise wrong pain and stop.
- Use plain language that suits the client.""",
                ),
            ),
        ),
        DemoModule(
            title="Coaching it in a session",
            summary="Concrete cues, teach-back checks and a simple way to hand over and review a "
            "home routine.",
            lessons=(
                DemoLesson(
                    slug="coaching-in-session",
                    title="Scripts, cues and checking understanding",
                    minutes=18,
                    body="""## Fitting coaching into a treatment

Teaching does not need a separate appointment. A few minutes at the end of a session, or during a
pause in hands-on work, is often enough. The client is relaxed, the area you have treated is
fresh in their mind and they can feel the difference, which makes it a good moment to teach.

## A simple sequence

Use the same structure each time so clients learn what to expect:

1. **Explain why.** Link the skill to what you found and what you treated.
2. **Show.** Demonstrate the stretch or breathing practice yourself.
3. **Guide.** Talk the client through it while they do it.
4. **Step back.** Let them do it once without prompts.
5. **Check.** Ask them to explain or show it back.

## Scripts and cues

Short, concrete cues work better than long explanations. Adapt these to your own voice.

### Explaining why

> "The tightness in your glutes built up partly because you sit still for long stretches. Some
> gentle moving and stretching between sessions will help stop it building up again."

### Guiding the breath

> "Before you start, just notice your breathing. You don't need to change it. As you ease into
> the stretch, let your breath stay slow and soft. If you catch yourself holding it, back off a
> little."

### Guiding awareness

> "Where do you feel the stretch? Is it in the middle of the buttock, or further out towards the
> hip? From easy to strong, where is it? Stay there and see whether it changes over the next few
> breaths."

### Safety cue

> "A pulling or mildly uncomfortable feeling is fine. If anything becomes sharp or shooting, or
> you get tingling or numbness, come out of it straight away and get it checked by a doctor."

## Checking understanding

A nod is not evidence of understanding. Use teach-back: ask the client to tell or show you, in
their own words, what they will do.

- "Show me how you'll get into this at home."
- "What should you feel, and what would make you stop?"
- "When in your day could you fit this in?"

Listen for gaps and correct them without making the client feel tested. If the safety part is
missing, go over it again; it is the one piece that must not be lost.

## Watching for overload

If a client loses focus or cannot remember the first step, you have taught too much. Cut back
to one skill and build up over later sessions.

## In practice

- Teach at the end of a session or in a pause, while the benefit is fresh.
- Explain, show, guide, step back and check.
- Use short, concrete cues for breath, awareness and safety.
- Confirm understanding with teach-back, especially the stop rule.
- Teach less, and build over time.""",
                ),
                DemoLesson(
                    slug="home-routine",
                    title="Handing over a home routine",
                    minutes=14,
                    body="""## From clinic to everyday life

The final step is turning what the client has learned into something they will do at home. A
good home routine is short, specific and agreed with the client, not simply handed to them.

## Keep it small

Start with one or two stretches and a simple breathing and awareness practice. A routine that
takes a few minutes is far more likely to be used than one that takes half an hour. You can add
to it later, once the client is doing it regularly and confidently.

Link the routine to something the client already does. For a desk worker, that might be after
lunch, at the end of the working day or before bed. Ask them to choose the time; it is their day,
and they know where the gaps are.

## Write it down

Memory fades quickly after a session. Give the client a brief written summary in plain language.
A useful format:

1. **What**: the name of each stretch and a one-line reminder of the position.
2. **How**: slowly and gently, to a mild stretch only, with easy breathing.
3. **How much**: a realistic amount, agreed with the client.
4. **Awareness**: what to notice, and the option of closing the eyes only if stable and safe.
5. **Stop rule**: stop on sharp or shooting pain, pins and needles, numbness or pain that
lingers, and see a doctor or other medical professional.

Make the stop rule prominent rather than burying it at the bottom of the page.

## Agree, do not prescribe

Before the client leaves, check that the plan feels realistic to them.

> **Try saying:** "Does this feel doable on a normal day? What might get in the way?"

If they hesitate, make the routine smaller. A plan the client believes they can manage beats an
ideal plan they will abandon.

## Follow up

At the next session, ask about the routine before you begin hands-on work:

- Did they manage it, and how often?
- What did they notice during and after?
- Was there any wrong pain at any point?
- What got in the way?

Respond to what you hear. If they have been practising, acknowledge it and consider a small
progression. If they have not, explore why without criticism and simplify. If they report wrong
pain, stop that exercise and advise them to see a doctor or other medical professional before
doing it again.

Over time the client should need fewer prompts and less hands-on input to stay comfortable.

## In practice

- Keep the routine short and tied to an existing part of the day.
- Give a written summary with the stop rule clearly visible.
- Agree the plan with the client, and make it smaller if needed.
- Review it at every follow-up and adjust gently.
- Treat growing independence as a measure of success.""",
                ),
            ),
        ),
    ),
)


# --------------------------------------------------------------------------------------------
# Course 4: Sciatica and the piriformis (draft)
# --------------------------------------------------------------------------------------------

SCIATICA_REASONING = DemoCourse(
    slug="sciatica-piriformis-reasoning",
    title="Sciatica and the piriformis: reasoning for massage therapists",
    summary=(
        "Reason carefully about tight glutes, the piriformis and sciatic symptoms, with referral "
        "at the centre of your practice."
    ),
    description="""Tightness around the glutes, the piriformis and the hips is a major
contributor to sciatica, and clients with leg symptoms often arrive with tight, sore buttocks.
This short advanced course looks at how to reason about that link without overstepping it.

The emphasis throughout is on referral. Massage therapists do not diagnose, and symptoms such as
shooting pain, pins and needles or numbness call for assessment by a doctor or other medical
professional. You will practise describing findings rather than causes, and learn a clear
sequence for stopping, referring, recording and resuming care.

It is written for experienced therapists who already work with the fascia model. By the end you
will be able to explain the glute and sciatica link accurately, recognise when to stop, and make
a calm, well-documented referral.""",
    topic="clinical-reasoning",
    level="advanced",
    ce_hours=Decimal("1.5"),
    status="draft",
    order_required=True,
    instructor_emails=(INSTRUCTOR,),
    modules=(
        DemoModule(
            title="Reasoning and referral",
            summary="What the glute and sciatica link can and cannot tell you, and how to refer "
            "well.",
            lessons=(
                DemoLesson(
                    slug="piriformis-and-sciatica",
                    title="Glutes, piriformis and sciatic symptoms",
                    minutes=10,
                    safety_notice=(
                        "Massage therapists do not diagnose sciatica. Clients with shooting leg "
                        "pain, pins and needles or numbness should see a doctor or other medical "
                        "professional."
                    ),
                    body="""## The link you will hear about

Tightness around the glutes, the piriformis and the hips is one of the major contributors to
sciatica. The fascia model shows why this is plausible: overuse and stillness can leave deep hip
tissue shortened, compacted and congested, and compacted fascia can irritate nerves. Because
fascia is a continuous web, tightness here can also extend into the lower back.

For a massage therapist, this is useful context. It explains why clients with sciatic symptoms
so often have tight, sore glutes, and why treating the hip region can be a reasonable part of
care once a medical professional has assessed them.

## Why the link is not a diagnosis

A plausible link is not the same as knowing the cause. Symptoms that travel into the leg can
arise for a number of reasons, and several look alike from the outside. Diagnosis sits outside
the massage therapist's scope, and palpating a tight piriformis does not tell you where a
client's leg symptoms come from.

Reason carefully:

- A tight glute and leg symptoms can sit side by side without one causing the other.
- Relief after massage does not confirm a cause.
- Sharp, shooting, tingling or numb sensations are wrong pain signals, whatever you suspect is
behind them.

## Talking to clients

Avoid phrases such as "it's your piriformis" or "that's just sciatica". Describe what you find,
not what you think the diagnosis is.

> **Try saying:** "Your glutes and hips are very tight, and that can play a part in symptoms like
> yours. Leg symptoms need checking by a doctor, though, so I'd like you to get that done."

## Key points

- Tight glutes, piriformis and hips are a major contributor to sciatica.
- A plausible link is not a diagnosis; massage therapists do not diagnose.
- Describe findings, not causes, and refer leg symptoms for medical assessment.""",
                ),
                DemoLesson(
                    slug="referral-first",
                    title="Referral first: stopping, recording and resuming care",
                    minutes=10,
                    safety_notice=(
                        "If in doubt, stop and refer. This lesson is general information and does "
                        "not replace assessment by a doctor or other medical professional."
                    ),
                    body="""## Referral is part of treatment

When a client presents with possible sciatic symptoms, the most important clinical decision you
make may be to refer. Referral is not a failure to help. It is how you make sure the client gets
the assessment they need, and it protects both of you.

## When to stop and refer

Stop the relevant technique, stretch or rolling, and advise the client to see a doctor or other
medical professional, if they report:

- sharp or shooting pain, particularly pain travelling down the leg;
- pins and needles or tingling;
- numbness;
- pain that lingers after treatment or home exercise instead of settling;
- symptoms that do not fit the pattern of muscular tightness, or that you cannot explain.

If you are unsure, refer. An unnecessary check costs little; a missed problem may cost a great
deal.

## How to refer well

1. **Explain calmly.** Tell the client what you noticed and why it needs medical assessment,
without naming a cause.
2. **Be clear about next steps.** Suggest they see their GP or another medical professional, and
say whether you will pause work on the area until then.
3. **Record it.** Note the symptoms reported, what you advised and the client's response.
4. **Follow up.** At the next contact, ask whether they were seen and what they were told, and
adapt your plan within your scope.

## After medical assessment

Once a medical professional has assessed the client, massage, gentle stretching and teaching
breathing and body awareness may all have a place. Work slowly, gently and progressively, and
keep reviewing. If wrong pain returns, stop again and send the client back.

## Key points

- Massage therapists do not diagnose; referral is a core clinical skill.
- Stop and refer on sharp or shooting pain, pins and needles, numbness or lingering pain.
- When in doubt, refer, and record what you advised.
- Resume care gently and within scope after medical assessment.""",
                ),
            ),
        ),
    ),
)


COURSES: tuple[DemoCourse, ...] = (
    FASCIA_ESSENTIALS,
    STRETCHING_GLUTES,
    TEACHING_SELF_MANAGEMENT,
    SCIATICA_REASONING,
)

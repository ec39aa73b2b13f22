"""Rasa graph components: message language, cities and categories from the directory, safety net.

They are placed in config.yml's pipeline:
`LanguageDetector` first (it may take "Can we talk in English?" out of the text
the classifier sees), then `Preamble` (greetings before a question), then the
tokenizer and classifiers; `DirectoryEntityExtractor` and `StaffOnly` after the
classifiers, `NotWords` and `SafetyNet` after the FallbackClassifier, and `DirectoryWords` last (it reads
what the classifier could not understand, and never touches an emergency).
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.dates.day_names import WEEKDAYS
from bot.directory import db, members, search
from bot.directory.categories import CATEGORIES, categories_in
from bot.nlu import intent_vote, language, meaning, safety, triage
from bot.nlu.follow_ups import detail_asked, detail_asked_last, detail_named, sentences_of
from bot.nlu.gibberish import is_gibberish, says_something
from bot.nlu.places import NameIndex, after_a_pronoun, on_the_way, word_before
from bot.nlu.preamble import without_preamble
from bot.normalise import fold
from bot.rasa_server import speedups

log = logging.getLogger(__name__)
ORIGINAL_TEXT = "original_text"
SAFETY = "safety"  # the parse data's safety decision (see SafetyNet)


class _Stateless(GraphComponent):
    """A component with nothing to train: configuration only."""

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.component_config = config

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> GraphComponent:
        component = cls(config)
        component.warm_up()
        return component

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> GraphComponent:
        """The component of a model loaded to predict (Rasa calls `load` only then; training calls `create`).

        This is where the Rasa server running the model installs the speed-ups (bot.rasa_server.speedups):
        LanguageDetector, first in the pipeline, loads before the intent classifier whose loading one of
        them speeds up."""
        speedups.install()
        return cls.create(config, model_storage, resource, execution_context)

    def warm_up(self) -> None:
        """Load what the first message would otherwise wait for."""

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


def _entity(kind: str, value: str, start: int, end: int, extractor: str) -> dict:
    return {ENTITY_ATTRIBUTE_TYPE: kind, ENTITY_ATTRIBUTE_VALUE: value, ENTITY_ATTRIBUTE_START: start,
            ENTITY_ATTRIBUTE_END: end, "extractor": extractor}


_NAMES = NameIndex()
OTHERS_SCALE = 0.1  # the classifier's guesses beside an intent a rule chose


def _choose(message: Message, intent: str) -> None:
    """Give `message` the intent `intent`, sure, at the head of its ranking (where it is not also further down);
    the classifier's own guesses stay below it, a tenth as likely: what a rule read in so few words ("y q
    llevo?", "Cúcuta") is not an emergency because the classifier guessed one (the keywords still see
    every word), nor ambiguous for the FallbackClassifier."""
    chosen = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
    ranking = [{**each, PREDICTED_CONFIDENCE_KEY: float(each.get(PREDICTED_CONFIDENCE_KEY) or 0.0) * OTHERS_SCALE}
               for each in message.get(INTENT_RANKING_KEY) or [] if each.get(INTENT_NAME_KEY) != intent]
    message.set(INTENT, chosen, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [chosen, *ranking], add_to_output=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LanguageDetector(_Stateless, EntityExtractorMixin):
    """Adds a `language` entity (es/en) when the message clearly is in, or asks for, that language.

    No entity means "ambiguous" (or letters typed at random): the `language` slot keeps the conversation's
    language. A clause that only asks to switch language is taken out of the
    text the classifier sees, so the rest of the message is still understood.
    """

    def warm_up(self) -> None:
        language.warm_up()
        _NAMES.names()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if is_gibberish(text):  # "asdkjh qwe ñlkj": letters typed at random tell no language
                continue
            places = sorted(_NAMES.find_cities(text), key=lambda place: place.start, reverse=True)
            unplaced = text
            for place in places:  # "kukuta doctor pls": a city, however spelt, says nothing of the language
                unplaced = unplaced[:place.start] + " " + unplaced[place.end:]
            found = language.detect(unplaced, _NAMES.names().proper_nouns)
            if found is None:
                continue
            rest = language.without_request(text)
            if rest != text:
                message.set(ORIGINAL_TEXT, text)
                message.set(TEXT, rest)
            message.set(ENTITIES, [*message.get(ENTITIES, []),
                                   _entity("language", found, 0, len(rest), self.__class__.__name__)],
                        add_to_output=True)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class Preamble(_Stateless, EntityExtractorMixin):
    """Takes the opening greetings and courtesies off the text the classifier sees, when a question follows
    (`bot.nlu.preamble`): "hola buenas, ¿dónde queda el centro?" is a question about the centre. The whole
    message stays the original text, which the safety net reads."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            rest = without_preamble(text)
            if rest != text:
                if not message.get(ORIGINAL_TEXT):
                    message.set(ORIGINAL_TEXT, text)
                message.set(TEXT, rest)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class DirectoryEntityExtractor(_Stateless, EntityExtractorMixin):
    """Gives each city named in the message its directory spelling, and adds `category` entities.

    Cities come from the directory (read at run time, fuzzy, accent- and
    case-insensitive) and a gazetteer of the region; one matched by likeness
    alone is a `city_guess`, which the assistant asks back; a city the classifier
    found that neither knows is kept as written. A message that is nothing
    but a city ("Trujillo", "en Lima", "I'm in Quito") tells the city,
    whatever the classifier guessed from so few letters.
    """

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            places = _NAMES.find_cities(text)
            if places and (_only_places(text, places) or _opens_with_only_places(text, places)):
                _choose(message, INFORM_CITY)
            elif places and all(place.by_district for place in places) and _only_places(text, places, _WHERE):
                _choose(message, "find_centre")  # "casa zarate donde queda": where that place is
            elif places and all(place.by_district for place in places) and not categories_in(text) \
                    and (message.get(INTENT) or {}).get(INTENT_NAME_KEY) not in STAFF_INTENTS \
                    and (detail := detail_named(text)):
                # "me pide el telefono del centro las nieves": that detail of it ("cambiar el horario del centro
                # atalaya" stays a staff request, for StaffOnly to judge)
                _choose(message, detail)
            elif detail := detail_asked(text, [text[place.start:place.end] for place in places]):
                # "sat?", "ntp, y el tel?", "y en Quito el sábado?": one detail of what was just discussed
                _choose(message, detail)
            entities = [entity for entity in message.get(ENTITIES, [])
                        if entity[ENTITY_ATTRIBUTE_TYPE] != "city" or (not places and _plausible_city(text, entity))]
            # The last city is the conversation's (Rasa's slot mapping): a city passed through, left or gone to
            # comes before the one asked about ("almuerzo en tumbes? vamos de paso pa' lima": Tumbes)
            entities += [_entity("city" if place.sure else CITY_GUESS, place.name, place.start, place.end,
                                 self.__class__.__name__)
                         for place in sorted(places, key=lambda place: not on_the_way(text, place.start))]
            entities += [_entity("category", name, 0, len(text), self.__class__.__name__)
                         for name in categories_in(text)]
            message.set(ENTITIES, entities, add_to_output=True)
        return messages


INFORM_CITY = "inform_city"
CITY_GUESS = "city_guess"  # a city matched by likeness alone ("barranqila"): asked back, never assumed
_AROUND_A_CITY = frozenset("en in de from desde la el ciudad city of estoy vivo soy i am im live the "
                           "ahora now aqui here y and e what about how que tal pues entonces then also too "
                           "tambien ok okay vale bueno del al pa para for ahi alla there "
                           # "cambio de ciudad: Lima", "change city: Quito", "mejor en Tumbes"
                           "cambio cambiar cambia cambie cambiemos change changed switch editar edit update actualizar "
                           "actualiza nueva nuevo new otra another mejor better instead mas bien rather".split())


# "casa zarate donde queda", "patio bonito where is it": where a centre or district named is.
_WHERE = frozenset("donde dnd onde queda keda esta where wheres s is it located address direccion ubicacion "
                   "location exactly exactamente como llego get there".split())


def _only_places(text: str, places: list, around: frozenset[str] = frozenset()) -> bool:
    """Whether `text` says nothing but the cities found in it (and a few words around a city, or `around`)."""
    rest = text
    for place in sorted(places, key=lambda place: place.start, reverse=True):
        rest = rest[:place.start] + " " + rest[place.end:]
    return all(word in _AROUND_A_CITY or word in around for word in re.findall(r"\w+", fold(rest)))


def _opens_with_only_places(text: str, places: list) -> bool:
    """Whether the first sentence of `text` says nothing but cities, and the rest only tells why, asking
    nothing ("¿y en Guayaquil? es que a lo mejor nos mudamos")."""
    sentences = sentences_of(text)
    if len(sentences) < 2:
        return False
    end = text.find(sentences[0]) + len(sentences[0])
    inside = [place for place in places if place.end <= end]
    rest = text[end:]
    return bool(inside) and _only_places(text[:end], inside) and "?" not in rest and not categories_in(rest) \
        and detail_named(rest) is None


_DAY = re.compile(rf"(?:{WEEKDAYS})s?")  # "and on Fridays?" asks of a day, not of a city called Fridays


# Words after which a word in lowercase can still be a place the classifier found ("vivo en trujilo").
_BEFORE_A_PLACE = frozenset("en in de del desde from pa para a al to at hacia towards near cerca".split())


def _plausible_city(text: str, entity: Dict[str, Any]) -> bool:
    """Whether a city the classifier found in `text`, that neither the directory nor the gazetteer knows, may be
    one: not a word of either language or a day, nor a verb after a pronoun ("me quito"), and capitalised or
    after a word that comes before places ("los niños chiquitos" names no town)."""
    folded = fold(str(entity[ENTITY_ATTRIBUTE_VALUE]))
    start = entity.get(ENTITY_ATTRIBUTE_START) or 0
    return (len(folded) >= 3 and folded not in language.SPANISH and folded not in language.ENGLISH
            and not _DAY.fullmatch(folded) and not after_a_pronoun(text, start)
            and (text[start:start + 1].isupper() or word_before(text, start) in _BEFORE_A_PLACE))


FALLBACK_THRESHOLD = 0.45  # config.yml's FallbackClassifier threshold


def _read_otherwise(message: Message, ranking: List[Dict[str, Any]]) -> None:
    """Give `message` the most likely intent of `ranking` other than an emergency, or the fallback when that is
    not likely enough."""
    others = [each for each in ranking if each.get(INTENT_NAME_KEY) != triage.EMERGENCY]
    best = others[0] if others and float(others[0].get(PREDICTED_CONFIDENCE_KEY) or 0.0) >= FALLBACK_THRESHOLD \
        else {INTENT_NAME_KEY: "nlu_fallback", PREDICTED_CONFIDENCE_KEY: FALLBACK_THRESHOLD}
    message.set(INTENT, best, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [best, *[each for each in others if each is not best]], add_to_output=True)


STAFF_INTENTS = frozenset({"report", "publish_event", "cancel_event", "update_centre"})
STAFF_SURE = 0.95  # a request this plain ("quiero publicar un evento") gets its "only staff" answer from anyone


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class StaffOnly(_Stateless):
    """Reads a staff request (report, publish, cancel, update) only in a message from a staff member, or in a
    message that plainly is one (STAFF_SURE) and asks nothing else, which then gets the "only staff" answer.

    Any other message whose metadata does not name a current staff member (every WhatsApp message,
    the REST channel, the shell, a Telegram user who is not staff) is read as its most likely other
    intent, which the FallbackClassifier after it may still find too unsure: a migrant's "ntp, y
    el tel?" is never taken for a staff request. The name comes from the Telegram channel's proof
    (`bot.privacy.vouch`), which the staff actions check in full; here it only steers the reading.
    """

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            ranking = message.get(INTENT_RANKING_KEY) or []
            if all(each.get(INTENT_NAME_KEY) not in STAFF_INTENTS for each in [intent, *ranking]):
                continue
            if _from_staff(message.get("metadata") or {}):
                continue
            if (intent.get(INTENT_NAME_KEY) in STAFF_INTENTS and intent.get(PREDICTED_CONFIDENCE_KEY, 0) >= STAFF_SURE
                    and not _asks_something_else(message)):
                continue
            others = [each for each in ranking if each.get(INTENT_NAME_KEY) not in STAFF_INTENTS]
            message.set(INTENT, others[0] if others else {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0},
                        add_to_output=True)
            message.set(INTENT_RANKING_KEY, others, add_to_output=True)
        return messages


# A clause that opens with a question word: "update: where can i update my PPT in Riohacha".
_QUESTION_OPENING = re.compile(r"(?:^|[:.,;!¿\-]\s*)(?:donde|dnd|where|wheres|como|how|cuando|when|a que hora|"
                               r"what|que|q|cual|which|hay|is there|are there|can i|puedo)\b")


def _asks_something_else(message: Message) -> bool:
    """Whether a message that reads as a staff request also asks a question ("actualizar: y el sábado?",
    "reporte: ¿el centro abre los sábados?", "update: where can i update my PPT"): what a migrant writes,
    not a staff request."""
    text = message.get(ORIGINAL_TEXT) or message.get(TEXT) or ""
    return "?" in text or bool(_QUESTION_OPENING.search(fold(text)))


def _from_staff(metadata: Dict[str, Any]) -> bool:
    """Whether `metadata` names (as the Telegram channel vouches) a current staff member."""
    user = metadata.get("staff_user")
    if not isinstance(user, str):
        return False
    try:
        with db.session() as current:
            return members.find(current, user) is not None
    except Exception as error:  # without the database no staff request could be carried out anyway
        log.warning("staff not checked: %s", error)
        return False


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class NotWords(_Stateless):
    """Reads keyboard mashing ("asdfghjkl", "jdjdjd", "????") as not understood (`bot.nlu.gibberish`), whatever
    the classifier made of so few letters: it is not a yes, a greeting or a question. The safety net
    after it still reads every word."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if is_gibberish(message.get(ORIGINAL_TEXT) or message.get(TEXT) or ""):
                _choose(message, "nlu_fallback")
        return messages


# What a message the directory's own words answer may be read as; a service found is asked about by its
# category, an event by `find_events`.
SEARCHED_INTENTS = frozenset({"nlu_fallback", "city_services", "find_events",
                              *(f"service_{category}" for category in CATEGORIES)})
# The classifier unsure, not sure it is off the subject ("¿cuál es la capital de Australia?").
NOT_UNDERSTOOD = frozenset({"nlu_fallback"})


def _places_written(message: Message) -> List[str]:
    """The cities the message names, as written ("kito", "centro atalaya")."""
    text = message.get(TEXT) or ""
    return [text[entity[ENTITY_ATTRIBUTE_START]:entity[ENTITY_ATTRIBUTE_END]] for entity in message.get(ENTITIES) or []
            if entity[ENTITY_ATTRIBUTE_TYPE] == "city"]


def _named_categories(message: Message) -> List[str]:
    """The kinds of service the message names in so many words ("papeles", "shelter"), in the order named."""
    return [str(entity[ENTITY_ATTRIBUTE_VALUE]) for entity in message.get(ENTITIES) or []
            if entity[ENTITY_ATTRIBUTE_TYPE] == "category"]


def _read_category(message: Message) -> None:
    """A message the classifier could not read, which names a kind of service in so many words ("papeles",
    "shelter"): a question about the last kind it names (where the question usually is: "registro nuevo:
    vivo en Riohacha, ¿dónde dan comida?"); one that asks what help there is, a question about all the
    services of its city."""
    named = _named_categories(message)
    if named:
        _choose(message, f"service_{named[-1]}")
    elif safety.asks_about_help(message.get(TEXT) or ""):  # "Cartagena, is there any help for migrants?"
        _choose(message, "city_services")


def _what_was_asked(intent: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    """What the classifier's `intent` restricts a search to: (a service category, "service"), (None, "event")
    for events, or nothing (None, None)."""
    if intent and intent.startswith("service_"):
        return intent.removeprefix("service_"), "service"
    return None, "event" if intent == "find_events" else None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class DirectoryWords(_Stateless, EntityExtractorMixin):
    """Reads a question by the directory's own words (`bot.directory.search`) when the classifier could not, and tells
    the city of what it found when the message names none.

    "¿dónde consulto el estado del PPT?" names what a service's name or description says: a message the
    classifier did not understand becomes a question about that service's category (or about events, for
    an event); beside an emergency with no question of its own, that question is kept for after the
    emergency lines (the intent stays `emergency`). When everything found lies in one city, and the
    message names none, that city becomes its `city` entity, so the answer (which names the city) comes
    at once. The action answers with the records found (`actions.answers`). A message still not understood
    that names a kind of service in so many words ("papeles", "shelter") asks for that kind.
    """

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            kept = (message.get(SAFETY) or {}).get("question")
            names_a_city = any(entity[ENTITY_ATTRIBUTE_TYPE] == "city" for entity in message.get(ENTITIES) or [])
            # A question understood, in a city named, has nothing to learn here (the action searches itself).
            detail = detail_asked_last(message.get(TEXT) or "", _places_written(message)) \
                if intent in NOT_UNDERSTOOD else None
            named = _named_categories(message)
            earlier = categories_in(" ".join(sentences_of(message.get(TEXT) or "")[:-1])) \
                if detail in ("ask_requirements", "ask_cost") else []
            if earlier:  # "dnd me ayudan con los papeles en rioacha? q hay q llevar": that kind's services say it all
                _choose(message, f"service_{earlier[-1]}")
                continue
            if detail:  # "I'm helping them. What do they need to bring?": one detail of what was just discussed
                _choose(message, detail)
                continue
            if intent == triage.EMERGENCY:
                if not kept:
                    self._read(message, None, safety_question=True)
            elif intent in NOT_UNDERSTOOD and named:
                if not names_a_city:  # the kind named is the question (below); the search may tell its city
                    self._read(message, f"service_{named[-1]}", safety_question=False)
            elif intent in NOT_UNDERSTOOD or (intent in SEARCHED_INTENTS and not names_a_city):
                self._read(message, intent, safety_question=False, not_understood=intent in NOT_UNDERSTOOD)
            if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) in NOT_UNDERSTOOD:
                _read_category(message)
        return messages

    def _read(self, message: Message, asked: Optional[str], safety_question: bool,
              not_understood: bool = False) -> None:
        """Search the message, for the question `asked` (an intent, which restricts the search to its kind of
        service); set the question found (a new intent when `not_understood`, the safety net's kept question
        when `safety_question`), and the city of what was found when the message names none."""
        entities = message.get(ENTITIES) or []
        cities = [str(entity[ENTITY_ATTRIBUTE_VALUE]) for entity in entities if entity[ENTITY_ATTRIBUTE_TYPE] == "city"]
        category, kind = _what_was_asked(asked)
        if kind == "service" and not safety_question:
            kind = None  # a health question may be answered by a health day; beside danger, by a service only
        try:
            with db.session() as current:
                hits = search.find(current, message.get(TEXT) or "", fold(cities[-1]) if cities else None, cities,
                                   category=category, kind=kind)
                found = [(hit.kind, hit.city, hit.record.category) for hit in hits]
        except Exception as error:  # without the directory there is nothing to find; the classifier stands
            log.warning("directory search skipped: %s", error)
            return
        if not found or (safety_question and min(hit.words for hit in hits) < 2):
            return  # beside an emergency, one word ("auxilio" in "primeros auxilios") is no question
        kind, city, category = found[0]
        question = "find_events" if kind == "event" or category not in CATEGORIES else f"service_{category}"
        if safety_question:
            message.set(SAFETY, {**(message.get(SAFETY) or {}), "question": question}, add_to_output=True)
        elif not_understood:
            _choose(message, question)
        # Never beside an emergency: its lines are those of the country the writer named, or of every country.
        if not cities and not safety_question and len({each[1] for each in found}) == 1:
            text = message.get(TEXT) or ""
            message.set(ENTITIES, [*entities, _entity("city", city, 0, len(text), self.__class__.__name__)],
                        add_to_output=True)


def _questions_beside(message: Message, decision: triage.Triage, ranking: List[Dict[str, Any]],
                      score: Optional[meaning.Score]) -> List[str]:
    """The questions asked beside an emergency, most likely first (`triage.questions_beside`): "fridge is
    empty, kids too, where can we get groceries" asks for food; "her partner hits her, where could she get
    support?" for protection."""
    return triage.questions_beside(ranking, score, _named_categories(message), decision.category,
                                   "?" in (message.get(TEXT) or ""))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SafetyNet(GraphComponent):
    """Turns a message that speaks of danger into the `emergency` intent, whatever the classifier said.

    Adds `safety` to the parse data: the level ("danger" or "risk"), the
    category when known, and the question asked beside the danger (an intent
    name), which `action_emergency` answers after the emergency lines. At
    training time it embeds every example of the training data for the
    meaning layer (`bot.nlu.meaning`); see `bot.nlu.triage` for how the layers combine.
    """

    FILE = "examples.npz"

    def __init__(self, model_storage: ModelStorage, resource: Resource,
                 examples: Optional[meaning.Examples]) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self.examples = examples

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SafetyNet":
        return cls(model_storage, resource, None)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "SafetyNet":
        try:
            with model_storage.read_from(resource) as directory:
                with np.load(directory / cls.FILE) as arrays:
                    examples = meaning.Examples.from_arrays(dict(arrays))
        except (ValueError, OSError, KeyError):  # a model trained without examples: the other layers still work
            examples = None
        return cls(model_storage, resource, examples)

    def train(self, training_data: TrainingData) -> Resource:
        """Embed every intent example with its intent (and whether it is self-harm, by the keyword layer), and
        the meaning layer's calm sentences."""
        texts, intents, self_harm = [], [], []
        for example in training_data.intent_examples:
            text = example.get(TEXT) or ""
            texts.append(text)
            intents.append(example.get(INTENT))
            self_harm.append(safety.assess(text).category == "self_harm")
        calm = meaning.calm_sentences()
        texts, intents, self_harm = texts + calm, intents + [meaning.CALM] * len(calm), self_harm + [False] * len(calm)
        self.examples = meaning.Examples.build(texts, intents, self_harm)
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(directory / self.FILE, **self.examples.arrays())
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def _vote(self, message: Message, text: str, score: Optional[meaning.Score]) -> None:
        """When the classifier is unsure of a calm message, the question most readings find
        (`bot.nlu.intent_vote`); the meaning layer looks now if it has not yet."""
        ranking = message.get(INTENT_RANKING_KEY) or []
        if not intent_vote.unsure(ranking) or self.examples is None or not says_something(text) \
                or safety.asks_about_help(text):  # "Quito, any help for migrants?": all its services (below)
            return
        score = score or self.examples.score(text)
        voted = intent_vote.vote(ranking, score.asked, _named_categories(message))
        if voted:
            _choose(message, voted)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(ORIGINAL_TEXT) or message.get(TEXT) or ""
            intent = message.get(INTENT) or {}
            ranking = message.get(INTENT_RANKING_KEY) or ([intent] if intent.get(INTENT_NAME_KEY) else [])
            keywords = safety.assess(text)
            speaks = says_something(text)
            score = None
            if self.examples is not None and speaks and triage.needs_meaning(keywords, ranking, text):
                score = self.examples.score(text)
            decision = triage.triage(keywords, ranking, score, speaks)
            if decision.level is None:
                if intent.get(INTENT_NAME_KEY) == triage.EMERGENCY:  # overruled: the next reading, or not understood
                    _read_otherwise(message, ranking)
                self._vote(message, text, score if speaks else None)
                continue
            asked = _questions_beside(message, decision, ranking, score)
            message.set(SAFETY, {"level": decision.level, "category": decision.category,
                                 "question": asked[0] if asked else None, "questions": asked},
                        add_to_output=True)
            if intent.get(INTENT_NAME_KEY) != triage.EMERGENCY:
                chosen = {INTENT_NAME_KEY: triage.EMERGENCY, PREDICTED_CONFIDENCE_KEY: 1.0}
                message.set(INTENT, chosen, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [chosen, *ranking], add_to_output=True)
        return messages

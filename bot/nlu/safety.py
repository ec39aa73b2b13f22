"""The keyword layer of the safety net: words of danger in both languages, by category.

Two strengths:
- *danger*: the message speaks of a threat to life or body now ("me quieren
  matar", "my child is missing", "no respira"). Enough on its own for the
  emergency reply, whatever the classifier said.
- *risk*: a word of danger without the rest of the sentence that makes it one
  ("pistola", "accidente", "desaparecido", "help"). Enough to put emergency
  lines in front of an answer, or in place of a not-understood menu, with
  "are you safe?".

Both are matched on `plain` text: folded (no accents, lower case), letters
repeated three times or more written once ("ayudaaa"), chat spellings
("q", "k", "x") written out. A message about danger in the past or as a topic
("a workshop on trafficking", "a lawyer for a case from two years ago") is
*risk*, not *danger*: the answer it asks for is given after the lines.
See README.md, "Safety", for how this layer sits beside the classifier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from rapidfuzz.distance import OSA

from bot.normalise import fold, squeeze

_CHAT = [(re.compile(rf"\b{short}\b"), long) for short, long in (
    ("q", "que"), ("k", "que"), ("ke", "que"), ("x", "por"), ("xq", "porque"), ("pq", "porque"),
    ("xfa", "por favor"), ("porfa", "por favor"), ("u", "you"), ("r", "are"), ("pls", "please"),
    ("plz", "please"), ("im", "i am"), ("i'm", "i am"), ("dont", "don't"), ("cant", "can't"),
    ("wont", "won't"), ("didnt", "didn't"), ("hasnt", "hasn't"), ("isnt", "isn't"), ("ayudenmen", "ayudenme"),
)]

# People whose absence or harm is an emergency.
_PEOPLE_ES = (r"(?:h?ij[oa]s?|h?ijit[oa]s?|nin[oa]s?|nen[ea]s?|bebe\w*|chamit[oa]s?|chamac\w*|chiquit\w*|pelad[oa]s?|"
              r"guagua|wawa|mama|mami|madre|papa|papi|padre|h?ermano\w*|h?ermana\w*|espos[oa]|marido|mujer|"
              r"abuel[oa]\w*|nieto\w*|nieta\w*|sobrin[oa]\w*|prim[oa]s?|tio|tia|suegr[oa]|familiar\w*|"
              r"menor|adolescente|muchach[oa]|chamo|chama|pana|pata|parce|parcero|amig[oa]|companer[oa]|"
              r"vecin[oa]|pareja|novi[oa])")
_PEOPLE_EN = (r"(?:son|daughter|child|children|kid|kids|baby|toddler|boy|girl|teen\w*|mom|mum|mother|dad|father|"
              r"brother|sister|husband|wife|partner|grandma|grandmother|grandpa|grandfather|niece|nephew|"
              r"cousin|aunt|uncle|friend|neighbou?r|relative|family|him|her|they|he|she)")
_PRONOUN = r"(?:me|nos|te|lo|la|le|los|las|les)"

_DANGER = {
    "violence": [
        rf"\b{_PRONOUN} (?:\w+ )?(?:quier\w*|va\w* a|ib\w* a|trat\w* de|intent\w*|amenaz\w* con)"
        r" (?:matar|pegar|golpear|violar|secuestrar|apunal\w*|acuchill\w*|dispar\w*|quemar|hacer dano|picar|"
        r"mochar|cortar|llevar|desaparecer|ahorcar|ahogar|joder|jode)",
        rf"\b{_PRONOUN} (?:esta\w*|vien\w*|sigu\w*|anda\w*) (?:\w+ )?(?:pegando|golpeando|persiguiendo|amenazando|"
        r"siguiendo|acosando|extorsionando|agrediendo|atacando|apuntando|disparando|buscando para matar)",
        rf"\b{_PRONOUN} (?:pega|pegan|pego|pegaron|golpea\w*|golpeo|amenaz\w*|persigu\w*|persigue\w*|agredi\w*|"
        r"ataca\w*|ataco|apunal\w*|acuchill\w*|hirio|hirieron|dispar\w*|balea\w*|extorsion\w*|chuz\w*|apunt\w*|"
        r"ahorc\w*|estrangul\w*|mataron|matan|matara\w*|van a matar|mata si|matan si)\b",
        r"\bmataron a\b|\b(?:lo|la|los|las) mataron\b|\bamenaz\w* de muerte\b|\bextorsi\w*|\bvacuna\b.{0,40}"
        r"\b(?:banda|pandilla|matar|mata|amenaz\w*|pagar|pago|cobr\w*)\b|\b(?:cobr\w*|pag\w*|piden|pidiendo|exig\w*)\b"
        r".{0,25}\bvacuna\b|\bcobro de vacuna\b",
        r"\b(?:auxilio|socorro)\b|\bayuda\w* urgente|\burgente ayuda|\b(?:estoy|estamos|esta|estan|corro|corremos|"
        r"corre|sigo|seguimos) (?:en |corriendo )?peligro\b|\bvida\b.{0,20}\bpeligro\b|\bllam\w* a la policia\b|"
        r"\bnecesito (?:a )?la policia\b|\bmanden (?:a )?la policia\b|\bviolencia (?:domestica|intrafamiliar)\b|"
        r"\bes una emergencia\b|^\W*(?:emergencia|urgente)\b",
        r"\b(?:pistola|revolver|arma|armas|cuchillo|navaja|machete|punal|escopeta|fusil|tiros?|balazos?)\b.{0,40}"
        r"\b(?:me|nos|afuera|fuera|esperando|espera|puerta|amenaz\w*|apunt\w*|sigu\w*|persig\w*|entr\w*)\b",
        r"\b(?:me|nos) (?:\w+ ){0,3}(?:con|a) (?:una |un )?(?:pistola|revolver|arma|cuchillo|navaja|machete)\b",
        r"\bse (?:metieron|entraron|meten) (?:a|en) (?:mi|la|nuestra) (?:casa|cuarto|pieza|habitacion|rancho)\b",
        r"\b(?:want|going|gonna|trying|threaten\w*|tried|will|told me they.?ll) to (?:kill|hurt|rape|kidnap|stab|"
        r"shoot|beat|burn) (?:me|us|my|him|her|them)\b|\bwill kill (?:me|us|my)\b|\b(?:kill|shoot|stab) (?:me|us) if\b",
        # "he will have his friends break my legs", "me van a romper las piernas"
        r"\bbreak (?:my|our|your) (?:legs?|arms?|bones|face|neck)\b|\b(?:romper|partir|quebrar)\w* (?:las|la|los) "
        r"(?:piernas?|brazos?|huesos|cara)\b",
        r"\b(?:someone|somebody|he|she|they|a man|a guy|men|people|gang\w*|my \w+) (?:is|are|was|were|keeps?) "
        r"(?:hitting|beating|following|chasing|threatening|hurting|attacking|stalking|punching|choking|stabbing|"
        r"shooting|extorting)\b",
        r"\b(?:hit|hits|beat|beats|beaten|punched|stabbed|shot|attacked|assaulted|threatened|choked|strangled|"
        r"hurting|hurt) (?:me|us|my)\b|\b(?:he|she|they) (?:hit|beat|stabbed|shot|attacked|choked) (?:me|us|him|her)\b",
        r"\b(?:am|are|is|being) being (?:threatened|followed|attacked|beaten|hurt|abused|chased|stalked|extorted|"
        r"hit)\b|\bdomestic (?:violence|abuse)\b|\b(?:i am|we are|i feel|we feel) (?:in danger|unsafe|not safe)\b|"
        r"\b(?:i am|we are|he is|she is|they are|life is|lives are) in danger\b|\bcall the police\b|"
        r"\b(?:need|send|get) (?:the )?police\b|\bdeath threat\w*\b|\bthreat\w* to kill\b|\bextort\w*|"
        r"\bprotection money\b|\bpay\w* (?:the )?gang\b|\bgang\w* (?:want|demand|ask)\w* (?:money|payment)\b|"
        r"\bit'?s an emergency\b|\bthis is an emergency\b|^\W*(?:emergency|urgent|sos)\b",
        r"\b(?:gun|pistol|knife|machete|weapon|blade)\b.{0,40}\b(?:me|us|outside|waiting|door|point\w*|threat\w*|"
        r"follow\w*|chas\w*|came|broke)\b|\b(?:point\w*|pulled|held) (?:a )?(?:gun|knife)\b",
        r"\b(?:broke|breaking|broken) into (?:my|our|the) (?:house|home|room|flat|apartment)\b",
    ],
    "sexual": [
        rf"\b{_PRONOUN} (?:\w+ )?(?:[bv]iol\w*|abus\w*|manose\w*|forz\w*|obliga\w* a (?:tener sexo|acostar\w*))\b",
        r"\b[bv]iolaci\w*|\b[bv]iolad[oa]s?\b|\b[bv]iolaron\b|\babus\w* (?:sexual\w*|de (?:mi|la|el|una|un))|"
        r"\b(?:toca|toco|tocaba|tocan|tocaron|manosea\w*)\b.{0,30}\b(?:nina|nino|hija|hijo|partes|intim\w*|"
        r"cuerpo|sobrin\w*|alumn\w*)\b|\b(?:obliga\w*|forza\w*|forz\w*)\b.{0,30}\b(?:prostitu\w*|sexo|"
        r"acostar\w*|trabajo sexual|clientes)\b",
        r"\b(?:rape|raped|rapes|raping|molest(?:s|ed|ing|er|ers|ation)?|sexually (?:abus|assault)\w*|"
        r"sexual (?:abuse|assault))\b|"
        r"\b(?:touch\w*) (?:her|him|my|me|the (?:girl|boy|child|kids?))\b.{0,30}\b(?:private|inappropriat\w*|"
        r"sexual\w*|body)\b|\b(?:inappropriat\w*|private part\w*)\b.{0,30}\b(?:touch\w*|child|girl|boy|daughter|"
        r"son|student)\b|\bforc\w* (?:me|her|us|them|into) (?:\w+ ){0,3}(?:sex|prostitut\w*|sleep with)\b",
    ],
    "domestic": [
        r"\b(?:mi|el|su|la|nuestro) (?:esposo|marido|pareja|novio|novia|ex|exesposo|expareja|padrastro|madrastra|"
        r"papa|mama|suegr[oa]|cunad[oa]|companero|mujer|esposa|jefe|patron|dueno|duena)\b.{0,40}\b(?:pega\w*|"
        r"pego|golpe\w*|maltrat\w*|amenaz\w*|encerr\w*|quit\w*|quiere matar|mata|ahorc\w*|estrangul\w*|quem\w*|"
        r"agredi\w*|abus\w*|no me deja\w* salir|no (?:nos|la|lo) deja\w* salir)",
        rf"\b{_PRONOUN} (?:\w+ )?(?:tiene\w*|dej\w*|deja\w*)? ?encerr\w*|\bencerrad[oa]s?\b|"
        r"\bno (?:me|nos|la|lo|le|los|las) deja\w* (?:salir|ir|irme|irnos|usar el telefono)\b|"
        r"\b(?:me|nos|le) quit\w* (?:el|mi|los|mis|su) (?:telefono|celular|pasaporte|documentos|papeles|cedula)\b"
        r".{0,40}\b(?:encerr\w*|salir|pega\w*|golpe\w*|amenaz\w*)",
        r"\b(?:my|her|his|the) (?:husband|partner|boyfriend|ex|stepfather|father|mother|wife|girlfriend|"
        r"boss|employer|landlord)\b.{0,40}\b(?:hits?|beats?|beat|hurts?|hurt|chokes?|choked|threaten\w*|locked|"
        r"locks|kicked|punched|burn\w*|won'?t let (?:me|us|her)|took my (?:phone|passport|documents|papers))",
        r"\b(?:locked|lock\w*|trapped|shut) (?:me|us|her|him|them) (?:in|up|inside)\b|\b(?:i am|we are|i'm|she is|"
        r"he is) (?:locked|trapped) (?:in|inside|up)\b|\bwon'?t let (?:me|us|her|him) (?:leave|go out|out)\b|"
        r"\b(?:not|never) (?:allowed|let) (?:to )?(?:leave|go out)\b",
    ],
    "trafficking": [
        r"\btrata de (?:personas|blancas)\b|\btrafic\w* de (?:personas|ninos|mujeres)\b|\bhuman trafficking\b|"
        r"\btraffick(?:ed|er|ers|ing)\b|\btratantes?\b",
        r"\b(?:tiene\w*|quit\w*|retien\w*|retuv\w*|guard\w*|agarr\w*|se qued\w* con)\b.{0,30}\b(?:pasaportes?|"
        r"documentos|papeles|cedulas?)\b.{0,60}\b(?:no (?:me|nos|los|las|la|lo) (?:deja\w*|devuelv\w*|quier\w*|"
        r"da\w*)|obliga\w*|trabaj\w*|deuda|pagar|salir|encerr\w*)",
        r"\b(?:el|la|un|una) (?:coyote|trochero|jefe|patron|patrona|dueno|duena|senor|senora|empleador\w*|"
        r"tipo|man)\b.{0,40}\b(?:tiene|quito|se quedo con|retiene|guarda)\b.{0,15}\b(?:nuestros|nuestras|mis|los|"
        r"las|sus|nuestro|mi)\b.{0,10}\b(?:pasaportes?|documentos|papeles|cedulas?)\b",
        rf"\b{_PRONOUN} (?:\w+ )?obliga\w* a (?:trabajar|pagar|vender|prostitu\w*)\b|\btrabaj\w* (?:sin (?:pago|"
        r"paga|sueldo)|gratis|encerrad\w*)\b.{0,40}\b(?:no (?:me|nos) deja\w*|obliga\w*|deuda|encerr\w*)|"
        r"\bdeuda\b.{0,40}\b(?:no (?:me|nos) deja\w*|obliga\w*|encerr\w*|amenaz\w*)",
        r"\b(?:took|taken|kept|keeps?|keeping|holds?|holding|has|have|took away) (?:\w+ ){0,2}(?:passports?|"
        r"documents|papers|ids?)\b.{0,60}\b(?:won'?t|not|forc\w*|make\w*|work|debt|pay|leave|locked)\b|"
        r"\bforc\w* (?:me|us|her|him|them|my \w+) to (?:work|pay|sell)\b|\bdebt bondage\b|\bforced (?:labou?r|"
        r"to work)\b|\bwork\w* (?:for free|without pay)\b.{0,40}\b(?:won'?t let|can'?t leave|locked|debt)\b",
    ],
    "missing": [
        rf"\b(?:no|ni) (?:\w+ ){{0,2}}(?:encuentro|encontramos|encuentra|encuentran|aparece|aparecen|ha aparecido|"
        rf"llega|llego|ha llegado|han llegado|ha vuelto|volvio|regreso|ha regresado|regresa|vuelve|sabemos|se|"
        rf"contesta|responde|localiz\w*)\b.{{0,50}}\b{_PEOPLE_ES}\b",
        rf"\b{_PEOPLE_ES}\b.{{0,60}}\b(?:no|ni) (?:\w+ ){{0,2}}(?:aparece|aparecen|ha aparecido|llega|llego|"
        rf"ha llegado|ha vuelto|volvio|regreso|ha regresado|encuentro|encontramos|sabemos nada|sabemos donde|"
        rf"se sabe|contesta|responde)\b",
        rf"\b(?:se (?:me |nos |le )?(?:perdio|perdieron|extravio|escapo|fue de la casa)|perdid[oa]s?|"
        rf"extraviad[oa]s?|desaparec\w*)\b.{{0,50}}\b{_PEOPLE_ES}\b|\b{_PEOPLE_ES}\b.{{0,50}}\b(?:se (?:me |nos |le )?"
        r"(?:perdio|perdieron|extravio|escapo)|perdid[oa]s?|extraviad[oa]s?|desaparec\w*|no esta)\b",
        rf"\b(?:missing|lost|disappeared|gone missing|ran away|wandered off)\b.{{0,40}}\b{_PEOPLE_EN}\b|"
        rf"\b{_PEOPLE_EN}\b.{{0,50}}\b(?:is|are|has been|went|got|has gone|was) (?:\w+ )?(?:missing|lost|"
        r"disappeared)\b|\b(?:can'?t|cannot|can not|could ?n'?t|unable to) (?:find|locate|reach) (?:my|our|"
        rf"the|her|his)\b|\b{_PEOPLE_EN}\b.{{0,50}}\b(?:hasn'?t|has not|didn'?t|did not|never|haven'?t|have not|"
        r"not) (?:\w+ )?(?:come|came|returned|arrived|been seen|made it|shown up|answered|called)\b|"
        rf"\b(?:no (?:news|word|sign) (?:from|of)|haven'?t heard from|no one has seen)\b.{{0,30}}\b{_PEOPLE_EN}\b",
        # "the group got in yesterday, he didn't. Nobody knows where he is."
        r"\b(?:nobody|no one|no-one|noone) (?:knows|has seen) where (?:he|she|they) (?:is|are|went)\b|"
        rf"\bnadie sabe (?:donde (?:esta|anda)|nada de)\b(?: (?:el|ella)\b|\s*(?:[.!?,]|$)|.{{0,20}}\b{_PEOPLE_ES}\b)",
    ],
    "kidnapping": [
        r"\bsecuestr\w*|\bse (?:lo|la|los|las) (?:llevaron|llevo|robaron)\b|\b(?:llevaron|yevaron) a (?:mi|mis|"
        r"nuestro|nuestra)\b|\b(?:se llevaron|desaparecieron) a\b",
        r"\b(?:detenid[oa]s?|pres[oa]|arrestad[oa]s?|capturad[oa]s?|agarr\w* (?:la policia|migracion)|"
        r"(?:la policia|migracion) se (?:lo|la) llev\w*)\b.{0,60}\b(?:no (?:sabemos|se|nos dicen|dicen|contesta|"
        r"aparece)|sin noticias|incomunicad\w*|ni idea)\b",
        r"\bkidnap\w*|\babduct\w*|\b(?:took|taken|grabbed|dragged|forced) (?:\w+ ){0,2}(?:into|away)\b.{0,40}"
        r"\b(?:car|van|truck|men|armed|gun|don'?t know|no news)\b|\b(?:armed|masked) men (?:took|taken|grabbed)\b",
        r"\b(?:detained|arrested|taken by (?:the )?(?:police|migration)|picked up by)\b.{0,60}\b(?:no news|"
        r"don'?t know where|do not know where|haven'?t heard|can'?t reach|no idea|nobody tells|won'?t tell)\b",
    ],
    "fire_accident": [
        r"\b(?:incendio|incendiando|se (?:esta )?quema(?:ndo)? (?:la|el|mi|nuestra|todo)|fuego|humo|llamas|"
        r"explosion|exploto (?:el|la|un|una) (?:\w+ )?(?:cilindro|bombona|tanque|gas|transformador|bomba)|"
        r"fuga de gas|olor a gas|huele a gas|escape de gas|derrumb\w*|se cayo (?:el|la) "
        r"(?:techo|casa|pared|edificio))\b",
        rf"\b(?:accidente|atropell\w*|choc\w*|choque)\b.{{0,60}}\b(?:herid\w*|sangr\w*|no se mueve|ambulancia|"
        rf"grave|inconsciente|ahora|acaba|tirad[oa]|muert\w*|{_PEOPLE_ES})\b|\batropell\w*\b",
        r"\bse (?:esta )?ahog\w*|\bahogando\b|\belectrocut\w*|\b(?:le|me) (?:dio|pego) (?:la )?corriente\b|"
        r"\bse cayo (?:de|del|desde)\b|\bcayo (?:de|del|desde) (?:un|una|el|la) (?:techo|piso|segundo|tercer|"
        r"altura|andamio|escalera|edificio|puente|balcon)",
        r"\b(?:fire|smoke|flames|burning|on fire|gas leak|smell\w* (?:of )?gas|explosion|explod\w*|collaps\w*)\b",
        r"\b(?:accident|crash(?<!to crash)(?<!can crash)(?<!could crash)"
        r"(?! (?:at|with|here|there|tonight|for the night)\b)"
        r"(?! on (?:a|the|your|my|his|her|their|someone'?s) (?:couch|sofa|floor|bed|mattress))|"
        r"crashed|run over|hit by a (?:car|bus|truck|motorbike|motorcycle|taxi))\b|"
        r"\b(?:drowning|drowned|electrocut\w*|fell (?:from|off|down))\b",
    ],
    "medical": [
        # a diabetic out of insulin; dizziness with confusion
        r"\bse (?:me |le )?(?:acab\w*|termin\w*) (?:la )?insulina\b|\bsin insulina\b|\b(?:ran|run|running) out of "
        r"insulin\b|\bno (?:more )?insulin\b|\bmaread[oa] y (?:muy )?confundid[oa]\b|\bdizzy and (?:very )?confused\b",
        r"\bambulancia\b|\bno (?:\w+ )?(?:respira|respiro|respiraba|(?:puedo|podemos|puede|pueden) respirar)\b|"
        r"\ble cuesta respirar\b|"
        r"\bse (?:esta )?ahoga\w*\b|\binconsciente\b|\bno (?:reacciona|despierta|responde|se despierta|se mueve)\b|"
        r"\bse desmay\w*|\bdesmayad[oa]\b|\bconvulsi\w*|\bataque (?:epileptico|de asma|al corazon|cardiaco)\b|"
        r"\binfarto\b|\bderrame\b|\b(?:dolor|duele|presion|apret\w*)\b.{0,25}\bpecho\b|\bpecho\b.{0,40}\bbrazo\b|"
        r"\bboca (?:torcida|chueca)\b|\bno puede hablar\b|\bcara (?:torcida|paralizada|dormida)\b",
        r"\bsangr\w* mucho\b|\bno (?:para|deja) de sangrar\b|\bhemorragia\b|\bmucha sangre\b|\bse desangr\w*|"
        r"\bsangrando\b|\benvenen\w*|\bintoxic\w*|\b(?:se )?(?:tomo|trago|bebio|tomaron|comio|ingirio)\b.{0,20}"
        r"\b(?:cloro|lejia|veneno|pastillas|creolina|varsol|gasolina|raticida|mata ?ratas|pila|pilas|detergente|"
        r"blanqueador|clorox|medicamentos|fosforo|insecticida|pesticida)\b|\bsobredosis\b",
        r"\bfiebre\b.{0,30}\b(?:alta|altisima|40|41|42|39|muy|no baja|convuls\w*)\b|\b(?:bebe|recien nacid\w*|"
        r"nin[oa]|nene)\b.{0,40}\bfiebre\b|\b(?:parto|contracciones|rompio la fuente|rompio fuente|dando a luz|"
        r"va a dar a luz|se le vino el bebe|romp\w* la bolsa)\b|\bembarazad\w*\b.{0,40}\b(?:sangr\w*|dolor|"
        r"contracci\w*|no se mueve)\b",
        r"\bquem\w*\b.{0,40}\b(?:agua|aceite|olla|fuego|hirviendo|caliente|gasolina)\b|\b(?:agua|aceite) "
        r"(?:hirviendo|caliente)\b|\bse (?:quemo|quemaron|esta quemando)\b|\bmordi\w* (?:de |por )?(?:una |un )?"
        r"(?:culebra|serpiente|vibora|perro)\b|\b(?:se le |se )?hinch\w*\b.{0,25}\b(?:cara|garganta|labios|lengua)\b|"
        r"\balergi\w*\b.{0,30}\b(?:grave|fuerte|no puede|respira\w*|hinch\w*)\b|\bgolpe en la cabeza\b",
        r"\bambulance\b|\b(?:not|isn'?t|stopped|can'?t|cannot|can not|struggling to|trouble|isn'?t) (?:\w+ )?"
        r"breath\w*\b|\bchoking\b|\bunconscious\b|\bpassed out\b|\bfaint\w*\b|\b(?:won'?t|will not|doesn'?t|"
        r"does not|not) (?:\w+ )?(?:wake|waking|respond\w*)\b|\bunresponsive\b|\bseizure\w*|\bconvuls\w*|"
        r"\bfitting\b|\bheart attack\b|\bstroke\b|\bchest (?:pain|hurts|pressure|tight\w*)\b|\bpain in (?:my|his|her) "
        r"chest\b|\bface (?:is )?droop\w*\b|\bslurr\w*\b",
        r"\bbleed\w*\b|\blots of blood\b|\bhemorrhag\w*|\bpoison\w*|\boverdos\w*|\b(?:swallowed|drank|ate|took|"
        r"taken)\b.{0,25}\b(?:bleach|pills|poison|chlorine|detergent|battery|batteries|tablets|medicine|"
        r"rat poison|pesticide|cleaning)\b|\b(?:high|very high|burning up with a) fever\b|\bfever\b.{0,25}"
        r"\b(?:39|40|41|42|10[3-7]|won'?t go down|not going down|high)\b|\b(?:baby|newborn|infant)\b.{0,40}"
        r"\bfever\b|\b(?:in labou?r|contractions|water (?:has )?broke|waters (?:have )?broken|giving birth|"
        r"having the baby|baby is coming)\b",
        r"\bburn(?:ed|t|s|ing)?\b.{0,40}\b(?:boiling|hot oil|oil|water|fire|stove|pot|gasoline|petrol)\b|"
        r"\b(?:severe|bad|serious) (?:allergic|allergy|burn\w*)\b|\banaphyla\w*|\b(?:throat|face|lips|tongue) "
        r"(?:is |are )?swell\w*\b|\b(?:snake|dog) ?bit\w*\b|\bbitten by\b|\bhit (?:his|her|my) head\b",
    ],
    "self_harm": [
        r"(?<!\d)(?<!\d )\bkms\b(?! (?:de|from|away|to|por|para|hasta))",  # "kms fr": kill myself, not kilometres
        r"\bsuicid\w*|\b(?:matarme|quitarme la vida|acabar con mi vida|acabar con todo|hacerme dano|cortarme|"
        r"ahorcarme|colgarme|tirarme (?:de|del|al|a la|por)|lanzarme (?:de|del|al|a la)|envenenarme|"
        r"tomarme (?:todas )?las pastillas|me corto|me estoy cortando|me corte las venas)\b",
        r"\b(?:me (?:quiero|voy a)|quiero|quisiera|voy a|deseo) (?:morir\w*|matar|quitar la vida|desaparecer de este "
        r"mundo|ir de este mundo|dejar de existir)\b|\bno quiero (?:seguir )?(?:vivir|viviendo|estar viv[oa]|"
        r"despertar|existir|seguir aqui|estar aqui)\b|\b(?:mejor|preferible) (?:estar )?muert[oa]\b|\bnadie me "
        r"(?:va a )?(?:extran\w*|echar\w* de menos)\b|\bno vale la pena (?:vivir|seguir)\b|"
        r"\b(?:se|se va a) (?:quiere )?(?:matar|suicid\w*|quitar la vida)\b|\bdice que se va a matar\b",
        r"\b(?:kill|hurt|harm|cut|cutting|killing|hurting|harming) (?:my ?self|herself|himself|themselves)\b|"
        r"\b(?:end|take|ending|taking) (?:my|his|her|their) (?:own )?life\b|\bend (?:it all|things|everything)\b|"
        r"\bending it\b|\b(?:want|wanna|going|wish) (?:to )?die\b|\b(?:do ?n'?t|dont|no longer) want to "
        r"(?:live|be alive|be here|exist|wake up|go on)\b|\bbetter off dead\b|\bno reason to live\b|"
        r"\bnobody (?:would|will) miss me\b|\bnot worth living\b|\bjump off\b|\bhang myself\b",
        # wanting it all to end; not eating on purpose; not knowing whether one will be here tomorrow
        r"\bquiero que (?:todo se acab\w*|se acab\w* (?:todo|esto|ya|mi vida))\b|\bque se acabe todo\b|"
        r"\bacabar con esto\b|\bsin comer a "
        r"proposito\b|\bno se si (?:voy a|vaya a) (?:estar|seguir)(?: viv[oa]| aqui)? (?:para|pa) manana\b|"
        r"\bdesaparecer para siempre\b|\b(?:want|wish|need) (?:it all|everything|this|all of this) to (?:end|stop)\b|"
        r"\b(?:starving myself|not eating) on purpose\b|\bdisappear forever\b",
        r"\bya (?:lo|la) (?:decidi|tengo decidido)\b|\bpronto no (?:voy a|vas a|van a) (?:necesitar|estar|molestar)\b|"
        r"\bno voy a estar (?:mas|aqui)\b|\bregale (?:mis|mi|toda mi|todas mis) \w+|\bgave (?:away )?(?:all )?my "
        r"(?:things|stuff|clothes)\b|\bwon'?t (?:be (?:a burden|here|around)|need (?:anything|it))\b|"
        r"\bi'?ve (?:made up my mind|decided)\b.{0,30}\b(?:tonight|sunday|tomorrow|end)\b|"
        r"\b(?:esto es|este es|es) (?:una|mi) despedida\b|\bmi ultimo mensaje\b|\bcuiden (?:a|de) mis "
        r"(?:hij\w*|nin\w*|chamos)\b|\bya (?:les )?(?:escribi|deje) (?:la|una) carta\b|\b(?:this is|this is my) "
        r"(?:goodbye|farewell|last message)\b|\bmy last message\b|\btake care of my (?:kids|children|son|"
        r"daughter|family) for me\b|\b(?:better|happier) (?:off )?without me\b|\bmejor sin mi\b",
    ],
    "cry": [
        r"\bsalv(?:enme|ame|eme|enos|anos|ennos)\b|\bsave (?:me|us|my \w+)\b|"
        r"\bvienen (?:a )?(?:por|a buscar\w*) (?:mi|nosotros|nosotras)\b|\b(?:they'?re|they are) coming (?:for|to get) "
        r"(?:me|us)\b|^\W*(?:please )?(?:come|send someone|send help) (?:now|quick|quickly|fast|please)\W*$|"
        r"^\W*vengan (?:ya|rapido|por favor|pronto)\W*$",
        r"^\W*(?:ayuda+|ayudenme|ayudeme|ayudame|ayudennos|help|help me|help us|sos|socorro|auxilio)"
        r"(?: (?:por favor|please|rapido|ya|now|urgent|urgente|asap))*\W*$",
        r"\b(?:ayuda|help)\w*\s*!{2,}|\bayud(?:a|enme|eme|ame)\b.{0,20}\b(?:rapido|urgente|ya mismo|ahora mismo)\b|"
        r"\bhelp (?:me|us)?\s*(?:now|quick|quickly|fast|asap)\b|\bplease help (?:me|us) (?:now|please)\b",
    ],
}

# Words of danger that are not enough on their own.
_RISK = [
    r"\b(?:peligro|amenaz\w*|violen\w*|golpe\w*|maltrat\w*|abus\w*|agresi\w*|pistola|arma|armas|cuchillo|navaja|"
    r"machete|banda|pandilla|guerrill\w*|paraco\w*|paramilitar\w*|tren de aragua|sicari\w*|robo\w*|robaron|asalt\w*|"
    r"muert\w*|morir\w*|matar\w*|me mata\w*|desaparec\w*|perdid[oa]|perdio|accidente|herid[oa]\w*|sangre|dolor|"
    r"fiebre|quemad\w*|quemadura\w*|trata|tratante\w*|coyote|trochero|deuda|encerr\w*|pastillas|veneno|cloro|"
    r"emergencia\w*|urgencia\w*|policia|denunci\w*|miedo|asustad\w*|no aguanto|no puedo mas|desesperad\w*|"
    r"ayuda|ayudenme|ayudeme|ayudame|embarazad\w*|vacuna|lesion\w*|grave|hospital)\b",
    r"\b(?:danger\w*|threat\w*|violen\w*|abus\w*|assault\w*|attack\w*|weapon|gun|knife|gang\w*|kill\w*|die|dying|"
    r"dead|death|hurt\w*|missing|lost|accident|injur\w*|blood|pain|fever|burn\w*|trafficking|smuggler\w*|debt|"
    r"locked|pills|poison|bleach|emergenc\w*|urgent|police|scared|afraid|terrified|hopeless|can'?t take it|"
    r"help|pregnant|hospital|robbed|stolen)\b",
]

# A topic or the past rather than now: danger words in such a message are only a risk.
_TOPIC = re.compile(
    r"\b(?:taller\w*|curso\w*|charla\w*|capacitaci\w*|simulacro\w*|prevenci\w*|prevenir|informaci\w*|"
    r"sobre (?:la|el|los|las)? ?(?:violencia|trata|suicidio|prevenci\w*)|"
    r"(?<!desde )hace (?:\w+ )?(?:anos?|meses|semanas)|"
    r"el ano pasado|el mes pasado|pelicula|serie|novela|historia|noticia\w*|cancion|sobreviviente\w*|grupo de apoyo|"
    r"(?:en|in|since|desde|del|de) (?:19|20)\d\d|"
    r"workshop\w*|course\w*|class\w*|training|drill\w*|prevent\w*|information about|talk (?:about|on)|story|"
    r"(?:years?|months?|weeks?) ago|last (?:year|month)|movie|film|series|news|song|survivors?|support group|"
    r"first aid|primeros auxilios|vacunaci\w*|vacuna contra|vaccin\w*|defensa personal|self.?defen[cs]e|"
    r"dying to|killing me|me mata (?:el|la) (?:dolor|hambre|sueno|calor|frio)|me muero de (?:hambre|sueno|"
    r"calor|frio|risa|ganas)|muert[oa]s? de (?:la )?(?:risa|sueno|cansancio|hambre|frio|calor)|"
    r"(?:me|se|nos) (?:mori|muri)\w* de (?:la )?risa|(?:nearly|almost) (?:had|died|got) (?:a )?heart attack|"
    r"documental\w*|documentar(?:y|ies)|amenaz\w* con (?:despedir|echar)\w*|threaten\w* to (?:fire|sack))\b")

# "Help" as the thing asked about, not a call: "¿qué ayuda hay pa nosotros?", "how much does that help cost?",
# "where can I get help with papers?". Taken out before the words of risk are looked for (a cry is read first).
_HELP_ASKED_ABOUT = re.compile(
    r"\b(?:que|q|cual|la|una|esa|esta|esas|estas|las|alguna|algun|mas|otra|otras|tipo de|clase de|"
    r"what|which|that|the|this|those|these|any|some|more|other|get|getting|find|kind of|sort of|"
    r"go for|ask for|look for|looking for|seek|seeking|buscar|pedir)\s+(?:ayudas?|help)\b"
    r"|\b(?:ayudas?|help)\s+(?:con|para|pa|with|for|legal|juridica|humanitaria|psicologica|economica|financiera|"
    r"medica|social|desk|line|available|disponible|hay|existe|there)\b")

_PATTERNS = {category: re.compile("|".join(f"(?:{pattern})" for pattern in patterns))
             for category, patterns in _DANGER.items()}
_RISK_PATTERN = re.compile("|".join(f"(?:{pattern})" for pattern in _RISK))


@dataclass(frozen=True)
class Assessment:
    """What the keyword layer found: `level` is "danger", "risk" or None; `category` when one matched."""

    level: Optional[str]
    category: Optional[str] = None


def plain(text: str) -> str:
    """`text` folded, with letter runs of three or more written once and chat spellings written out."""
    folded = squeeze(fold(text).replace("’", "'"))
    for short, long in _CHAT:
        folded = short.sub(long, folded)
    return folded


def assess(text: str) -> Assessment:
    """Whether `text` speaks of danger now, only has words of danger, or neither; and of what kind."""
    folded = plain(text)
    if _is_cry(folded):
        return Assessment("danger", "cry")
    for category, pattern in _PATTERNS.items():
        if pattern.search(folded):
            return Assessment("risk" if _TOPIC.search(folded) else "danger", category)
    if _RISK_PATTERN.search(_HELP_ASKED_ABOUT.sub(" ", folded)):
        return Assessment("risk", "self_harm" if re.search(r"\b(?:no aguanto|no puedo mas|hopeless|can'?t take "
                                                           r"it)\b", folded) else None)
    return Assessment(None)


# A short message made only of these, with at least one call for help, is a cry: "necesito ayuda ya", "pls help".
_CALLS = frozenset("ayuda ayudenme ayudeme ayudame ayude ayudennos ayudanos socorro auxilio sos help salvenme "
                   "salvame vengan venganse vente corran hurry hlp halp hepl aiuda auxlio socoro".split())
_FILLERS = frozenset("por favor porfavor porfa xfa pls plz plis please me nos alguien que quien someone somebody "
                     "anyone i am need necesito necesitamos ya now urgent urgente rapido quick asap us tengo miedo "
                     "scared a la policia "
                     "police auxilio pido want quiero my mi rapidito pronto come quickly fast aqui here "
                     "up".split())
CRY_WORDS = 6


_CALL_SPELLINGS = ("help", "ayuda", "ayudame", "auxilio", "socorro")
_NEAR_CALLS = frozenset("held hell helm hemp heap heel yelp kelp helps ayudas ayudan ayudar ayudo".split())  # words


def _a_call(token: str) -> bool:
    """A word that calls for help, or one of them with a letter missing, added, changed or swapped ("hlep")."""
    return token in _CALLS or (len(token) >= 4 and token not in _NEAR_CALLS
                               and any(OSA.distance(token, call) <= 1 for call in _CALL_SPELLINGS))


def _is_cry(folded: str) -> bool:
    tokens = re.findall(r"[a-z']+", folded)
    return (0 < len(tokens) <= CRY_WORDS and any(_a_call(token) for token in tokens)
            and all(token in _FILLERS or _a_call(token) for token in tokens))


def asks_about_help(text: str) -> bool:
    """Whether `text` asks about help as a thing there is ("¿qué ayuda hay pa nosotros?", "any help for
    venezuelans?"), not calls for it."""
    return bool(_HELP_ASKED_ABOUT.search(plain(text)))


def speaks_of_danger(text: str) -> bool:
    """Whether the message speaks of violence, threats, abuse, a missing person, an accident, a medical
    emergency or self-harm happening now (the keyword layer alone)."""
    return assess(text).level == "danger"


def may_speak_of_danger(text: str) -> bool:
    """Whether the message has any word of danger: enough to let it past a rate limit or a size cap."""
    return assess(text).level is not None

"""A partner profile, said in the EDI layer's own options (STYLE.md habit 7).

The EDI engine knows nothing of profiles; this is the one place that turns a
profile's validation strictness, acknowledgement policy, delimiters and version
into the engine's option objects.
"""

from __future__ import annotations

from dataclasses import replace

from edi_maps.edifact.acks import ContrlPolicy
from edi_maps.edifact.render import RenderOptions as EdifactRenderOptions
from edi_maps.edifact.service import ServiceChars
from edi_maps.edifact.validation import ValidationOptions as EdifactValidation
from edi_maps.translate import TranslateOptions
from edi_maps.x12.acks import AckPolicy
from edi_maps.x12.delimiters import Delimiters as X12Delimiters
from edi_maps.x12.render import RenderOptions as X12RenderOptions
from edi_maps.x12.validation import ValidationOptions as X12Validation
from gateway.profiles.model import PartnerProfile


def translate_options(profile: PartnerProfile) -> TranslateOptions:
    rules, acks = profile.validation, profile.acks
    functional = acks.functional
    return TranslateOptions(
        x12=X12Validation(
            unsupported_sets=rules.unsupported_sets, max_set_segments=rules.max_set_segments
        ),
        x12_acks=AckPolicy(
            functional="auto" if functional == "contrl" else functional, ta1=acks.ta1
        ),
        edifact=EdifactValidation(
            unsupported_messages=rules.unsupported_sets,
            max_message_segments=rules.max_set_segments,
        ),
        contrl=ContrlPolicy(when="never" if functional == "none" else acks.contrl),
        partner_id=profile.id,
    )


def reading_options(profile: PartnerProfile) -> TranslateOptions:
    """The profile's options with every acknowledgement switched off: for reading again
    what was already answered (a replay) or what we wrote ourselves (outbound), so no
    control number is spent on an acknowledgement nobody will send."""
    options = translate_options(profile)
    return replace(
        options,
        x12_acks=replace(options.x12_acks, functional="none", ta1="never"),
        contrl=replace(options.contrl, when="never"),
    )


def x12_render_options(profile: PartnerProfile) -> X12RenderOptions:
    """Our ISA/GS for this partner: their ids as receiver, their delimiters and version."""
    ids = profile.interchange
    delimiters = X12Delimiters.default()
    if profile.delimiters is not None:
        chosen = profile.delimiters
        delimiters = X12Delimiters(
            element=chosen.element,
            component=chosen.component,
            segment=chosen.segment,
            repetition=chosen.repetition,
        )
    return X12RenderOptions(
        version=profile.version,
        sender=(ids.ours.qualifier or "ZZ", ids.ours.id),
        receiver=(ids.partner.qualifier or "ZZ", ids.partner.id),
        delimiters=delimiters,
        usage=profile.usage,
        group_sender=profile.group.ours if profile.group else None,
        group_receiver=profile.group.partner if profile.group else None,
    )


def edifact_render_options(profile: PartnerProfile) -> EdifactRenderOptions:
    ids = profile.interchange
    syntax_id, syntax_version = (profile.syntax or "UNOC:3").split(":")
    chars = ServiceChars.level_a(int(syntax_version))
    if profile.delimiters is not None:
        chosen = profile.delimiters
        chars = ServiceChars(
            component=chosen.component,
            element=chosen.element,
            decimal=chosen.decimal or ".",
            release=chosen.release,
            repetition=chosen.repetition,
            segment=chosen.segment,
        )
    return EdifactRenderOptions(
        version=profile.version,
        syntax=(syntax_id, int(syntax_version)),
        sender=(ids.ours.id, ids.ours.qualifier or ""),
        receiver=(ids.partner.id, ids.partner.qualifier or ""),
        chars=chars,
        test=profile.usage == "T",
        ack_requested=profile.acks.functional != "none",
    )

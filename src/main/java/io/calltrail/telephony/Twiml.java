package io.calltrail.telephony;

import java.io.StringWriter;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/** TwiML answers, written with the JDK's XML writer (escaping is its job, never string concatenation's). */
final class Twiml {
    private static final XMLOutputFactory FACTORY = XMLOutputFactory.newFactory();

    private Twiml() {
    }

    /**
     * Recording of a forwarded call: what the caller hears first, and where the provider reports the finished
     * recording. Both parties are recorded, each on a channel of its own, from the moment the business answers.
     */
    record Recording(String announcement, String statusCallbackUrl) {
    }

    /**
     * Forwards the call. Ring timeout in seconds; {@code callerId} (or null: the caller's own) is what the
     * business sees; {@code whisperUrl} (or null) is played to the business on answer; {@code recording} (or
     * null, the default: not recorded) first plays its announcement, then records the forwarded call.
     */
    static String dial(String forwardTo, String actionUrl, String statusUrl, int timeoutSeconds, String callerId,
                       String whisperUrl, Recording recording) {
        return write(xml -> {
            if (recording != null) {
                xml.writeStartElement("Say");
                xml.writeCharacters(recording.announcement());
                xml.writeEndElement();
            }
            xml.writeStartElement("Dial");
            xml.writeAttribute("answerOnBridge", "true");
            xml.writeAttribute("action", actionUrl);
            xml.writeAttribute("timeout", Integer.toString(timeoutSeconds));
            if (callerId != null) {
                xml.writeAttribute("callerId", callerId);
            }
            if (recording != null) {
                xml.writeAttribute("record", "record-from-answer-dual");
                xml.writeAttribute("recordingStatusCallback", recording.statusCallbackUrl());
                xml.writeAttribute("recordingStatusCallbackMethod", "POST");
                xml.writeAttribute("recordingStatusCallbackEvent", "completed");
            }
            xml.writeStartElement("Number");
            if (whisperUrl != null) {
                xml.writeAttribute("url", whisperUrl);
            }
            xml.writeAttribute("statusCallback", statusUrl);
            xml.writeAttribute("statusCallbackEvent", "initiated ringing answered completed");
            xml.writeCharacters(forwardTo);
            xml.writeEndElement();
            xml.writeEndElement();
        });
    }

    /** Plain forwarding for the fallback URL: no callbacks, no recording, nothing that needs this server later. */
    static String forward(String forwardTo) {
        return write(xml -> {
            xml.writeStartElement("Dial");
            xml.writeAttribute("answerOnBridge", "true");
            xml.writeStartElement("Number");
            xml.writeCharacters(forwardTo);
            xml.writeEndElement();
            xml.writeEndElement();
        });
    }

    static String say(String message) {
        return write(xml -> {
            xml.writeStartElement("Say");
            xml.writeCharacters(message);
            xml.writeEndElement();
        });
    }

    static String empty() {
        return write(xml -> { });
    }

    private interface Body {
        void write(XMLStreamWriter xml) throws XMLStreamException;
    }

    private static String write(Body body) {
        try {
            StringWriter out = new StringWriter();
            XMLStreamWriter xml = FACTORY.createXMLStreamWriter(out);
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeStartElement("Response");
            body.write(xml);
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.close();
            return out.toString();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write TwiML", e);
        }
    }
}

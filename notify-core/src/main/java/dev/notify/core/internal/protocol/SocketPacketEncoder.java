package dev.notify.core.internal.protocol;

import com.fasterxml.jackson.core.Base64Variant;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes Socket.IO v5 packets into the Engine.IO frames that carry them: the text packet, prefixed with the
 * Engine.IO message type {@code 4}, then one binary frame per attachment.
 *
 * <p>Payload values are written by Jackson, so POJOs, maps, collections, {@code JsonNode} trees and primitives all
 * work. Every binary value Jackson meets at any depth ({@code byte[]}, {@code ByteBuffer}, {@code BinaryNode})
 * becomes an attachment with a {@code {"_placeholder":true,"num":N}} in its place, and the packet type becomes
 * {@code BINARY_EVENT} or {@code BINARY_ACK}.
 *
 * <p>Thread-safe once built; share one per server.
 */
public final class SocketPacketEncoder {

  private final ObjectMapper mapper;
  private final ObjectWriter writer;

  public SocketPacketEncoder(ObjectMapper mapper) {
    this.mapper = mapper;
    this.writer = mapper.writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
  }

  /** An event: payload {@code [event, ...args]}. */
  public List<Frame> encodeEvent(String namespace, long ackId, String event, Object[] args) {
    Object[] payload = new Object[args.length + 1];
    payload[0] = event;
    System.arraycopy(args, 0, payload, 1, args.length);
    return encode(SocketPacketType.EVENT, namespace, ackId, payload);
  }

  /** An acknowledgement: payload {@code [...args]}. */
  public List<Frame> encodeAck(String namespace, long ackId, Object[] args) {
    return encode(SocketPacketType.ACK, namespace, ackId, args);
  }

  /**
   * Encodes any packet.
   *
   * @param type {@code EVENT} or {@code ACK} become their binary twin when the payload holds binary values
   * @param payload written by Jackson; {@code null} for no payload
   * @throws IllegalArgumentException when Jackson cannot serialize the payload
   */
  public List<Frame> encode(SocketPacketType type, String namespace, long ackId, Object payload) {
    StringBuilder sb = new StringBuilder(64);
    int headerLength = appendHeader(sb, type, 0, namespace, ackId);
    if (payload == null) {
      return List.of(Frame.text(sb.toString()));
    }
    List<byte[]> attachments;
    try (AttachmentCollector gen = new AttachmentCollector(mapper.getFactory().createGenerator(new Appender(sb)))) {
      writer.writeValue(gen, payload);
      gen.flush();
      attachments = gen.attachments;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot serialize payload of " + type + " packet: " + e.getMessage(), e);
    }
    if (attachments == null) {
      return List.of(Frame.text(sb.toString()));
    }
    SocketPacketType binaryType = switch (type) {
      case EVENT, BINARY_EVENT -> SocketPacketType.BINARY_EVENT;
      case ACK, BINARY_ACK -> SocketPacketType.BINARY_ACK;
      default -> throw new IllegalArgumentException(type + " packets cannot carry binary data");
    };
    StringBuilder header = new StringBuilder(32);
    appendHeader(header, binaryType, attachments.size(), namespace, ackId);
    sb.replace(0, headerLength, header.toString());
    List<Frame> frames = new ArrayList<>(attachments.size() + 1);
    frames.add(Frame.text(sb.toString()));
    for (byte[] attachment : attachments) {
      frames.add(Frame.binary(attachment));
    }
    return List.copyOf(frames);
  }

  private static int appendHeader(StringBuilder sb, SocketPacketType type, int attachments, String namespace,
      long ackId) {
    sb.append(EnginePacketType.MESSAGE.code()).append(type.code());
    if (attachments > 0) {
      sb.append(attachments).append('-');
    }
    if (!"/".equals(namespace)) {
      sb.append(namespace).append(',');
    }
    if (ackId >= 0) {
      sb.append(ackId);
    }
    return sb.length();
  }

  /** Writes every binary value as a placeholder and keeps its bytes as the next attachment. */
  private static final class AttachmentCollector extends JsonGeneratorDelegate {
    List<byte[]> attachments;

    AttachmentCollector(JsonGenerator delegate) {
      super(delegate, true);
    }

    private void placeholder(byte[] data) throws IOException {
      if (attachments == null) {
        attachments = new ArrayList<>(2);
      }
      delegate.writeStartObject();
      delegate.writeBooleanField("_placeholder", true);
      delegate.writeNumberField("num", attachments.size());
      delegate.writeEndObject();
      attachments.add(data);
    }

    @Override
    public void writeBinary(Base64Variant variant, byte[] data, int offset, int len) throws IOException {
      placeholder(offset == 0 && len == data.length ? data : Arrays.copyOfRange(data, offset, offset + len));
    }

    @Override
    public void writeBinary(byte[] data, int offset, int len) throws IOException {
      writeBinary(null, data, offset, len);
    }

    @Override
    public void writeBinary(byte[] data) throws IOException {
      writeBinary(null, data, 0, data.length);
    }

    @Override
    public int writeBinary(InputStream data, int dataLength) throws IOException {
      return writeBinary(null, data, dataLength);
    }

    @Override
    public int writeBinary(Base64Variant variant, InputStream data, int dataLength) throws IOException {
      byte[] bytes = dataLength < 0 ? data.readAllBytes() : data.readNBytes(dataLength);
      placeholder(bytes);
      return bytes.length;
    }
  }

  /** A writer straight into the packet's builder, so the JSON is copied once. */
  private static final class Appender extends Writer {
    private final StringBuilder sb;

    Appender(StringBuilder sb) {
      this.sb = sb;
    }

    @Override
    public void write(char[] buf, int off, int len) {
      sb.append(buf, off, len);
    }

    @Override
    public void write(String str, int off, int len) {
      sb.append(str, off, off + len);
    }

    @Override
    public void write(int c) {
      sb.append((char) c);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  }
}
